package catalog_test

import (
	"reflect"
	"testing"

	"zipin/catalog"
	"zipin/catalog/catalogtest"
)

// Queue counts River's jobs by what became of their document. catalogtest
// leaves 12 jobs, worked by real River clients: two completed with the
// document ok (done), one completed and one discarded with it quarantined
// (quarantined), one discarded and one cancelled with no catalog row
// (failed), one retryable, two running, and one each pending, scheduled and
// available on a queue no client works (pending 3).
func TestQueue(t *testing.T) {
	onBoth(t, func(t *testing.T, url string) {
		c := openURL(t, url)
		defer c.Close()
		if q, err := c.Queue(); err != nil || q != nil {
			t.Fatalf("before River's tables: %+v, %v; want nil", q, err)
		}
		want := catalogtest.Fill(t, url)
		q, err := c.Queue()
		if err != nil {
			t.Fatal(err)
		}
		if q == nil || !reflect.DeepEqual(*q, want) {
			t.Fatalf("queue %+v, want %+v", q, want)
		}
		if q.Total() != 12 {
			t.Errorf("total %d, want 12", q.Total())
		}
		ro, err := catalog.OpenURLReadOnly(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		if q, err := ro.Queue(); err != nil || q == nil || q.Done != 2 {
			t.Errorf("read-only: %+v, %v", q, err)
		}
	})
}
