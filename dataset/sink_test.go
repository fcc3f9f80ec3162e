package dataset_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/parquet-go/parquet-go"

	"zipin/dataset"
	"zipin/internal/testenv"
	"zipin/pipeline"
	"zipin/schema"
	"zipin/version"
)

// store is where a Sink test writes: a local folder or a prefix on the S3
// server, read back independently of the Sink (os and minio-go listings,
// parquet-go reading each file).
type store struct {
	out    string // what OpenSink takes
	dir    string // local folder, or ""
	s3     *testenv.S3Server
	prefix string
}

// files lists a table's Parquet files or objects by name (base name only).
func (st store) files(t *testing.T, table string) []string {
	t.Helper()
	var names []string
	if st.s3 == nil {
		fs, err := dataset.TableFiles(st.dir, table)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			names = append(names, filepath.Base(f))
		}
		return names
	}
	for o := range st.s3.Client.ListObjects(context.Background(), st.s3.Bucket, minio.ListObjectsOptions{Prefix: path.Join(st.prefix, table) + "/", Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		if strings.HasSuffix(o.Key, ".parquet") {
			names = append(names, path.Base(o.Key))
		}
	}
	sort.Strings(names)
	return names
}

func readRows[T any](t *testing.T, st store, table string) []T {
	t.Helper()
	if st.s3 == nil {
		rows, err := dataset.ReadTable[T](st.dir, table)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	var all []T
	for _, name := range st.files(t, table) {
		key := path.Join(st.prefix, table, name)
		o, err := st.s3.Client.GetObject(context.Background(), st.s3.Bucket, key, minio.GetObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(o)
		o.Close()
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		rows, err := parquet.Read[T](bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		all = append(all, rows...)
	}
	return all
}

// fixtureDoc analyzes a fixture in process, as a worker would.
func fixtureDoc(t testing.TB, rel string) (*schema.Batch, string) {
	t.Helper()
	p := filepath.Join(testenv.Root(t), rel)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pipeline.Analyze(context.Background(), pipeline.Input{Source: p, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return b, hex.EncodeToString(sum[:])
}

// count tallies rows by doc_id.
func count[T any](rows []T, id func(T) string) map[string]int {
	n := map[string]int{}
	for _, r := range rows {
		n[id(r)]++
	}
	return n
}

func TestSinkLocal(t *testing.T) {
	dir := t.TempDir()
	testSink(t, store{out: dir, dir: dir})
}

func TestSinkS3(t *testing.T) {
	srv := testenv.S3(t)
	testSink(t, store{out: srv.URL("dataset/v1"), s3: srv, prefix: "dataset/v1"})
}

// testSink puts two fixtures through a Sink, reads every table back and
// checks the rows against values read off the fixtures by hand, then puts
// one again (no duplicate) and re-extracts it at another extractor version
// with fewer rows (replaced, and its dropped tables' old rows gone).
func testSink(t *testing.T, st store) {
	ctx := context.Background()
	// testdata/headline/tuning/t1.txt: 部门 眉山市东坡区住房和城乡建设局,
	// （2023年度）, 全年预算数 4,860.50 万元, no 自评表 rows of its own;
	// testdata/selfeval/system.html: 实施单位 青溪县环境监测站, （2024年度）,
	// 调整后预算数 58.40 万元, project 空气质量自动监测站运维经费, 4 indicators
	// (监测站点运维数量 权重 30 得分 30, 数据有效率, 空气质量优良天数比率, 公众满意度).
	b1, id1 := fixtureDoc(t, "testdata/selfeval/system.html")
	b2, id2 := fixtureDoc(t, "testdata/headline/tuning/t1.txt")
	want := map[string]struct {
		org    string
		year   int32
		budget schema.Money // 分
	}{
		id1: {"青溪县环境监测站", 2024, 58_400_000},
		id2: {"眉山市东坡区住房和城乡建设局", 2023, 4_860_500_000},
	}

	s, err := dataset.OpenSink(ctx, st.out, version.Extractor)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.Has(ctx, id1); err != nil || v != "" {
		t.Fatalf("Has before any write = %q, %v; want \"\"", v, err)
	}
	for _, b := range []*schema.Batch{b1, b2} {
		if err := s.PutDocument(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := s.Has(ctx, id1); err != nil || v != version.Extractor {
		t.Fatalf("Has(system.html) = %q, %v; want %q", v, err, version.Extractor)
	}

	check := func(when string) {
		t.Helper()
		reports := readRows[schema.Report](t, st, schema.TableReports)
		if len(reports) != 2 {
			t.Fatalf("%s: %d reports rows, want 2", when, len(reports))
		}
		for _, r := range reports {
			w, ok := want[r.DocID]
			if !ok {
				t.Fatalf("%s: reports row of unknown doc_id %s", when, r.DocID)
			}
			if r.Organization == nil || *r.Organization != w.org || r.FiscalYear == nil || *r.FiscalYear != w.year ||
				r.BudgetYuan == nil || *r.BudgetYuan != w.budget {
				t.Errorf("%s: %s: organization %v, year %v, budget %v 分; want %s, %d, %d", when, r.DocID,
					deref(r.Organization), deref(r.FiscalYear), deref(r.BudgetYuan), w.org, w.year, w.budget)
			}
		}
		// Every table holds each document's rows once: the counts the
		// extraction gave, one file per document.
		for _, c := range []struct {
			table  string
			got    map[string]int
			w1, w2 int
		}{
			{schema.TableFacts, count(readRows[schema.Fact](t, st, schema.TableFacts), func(r schema.Fact) string { return r.DocID }), len(b1.Facts), len(b2.Facts)},
			{schema.TableTexts, count(readRows[schema.Text](t, st, schema.TableTexts), func(r schema.Text) string { return r.DocID }), len(b1.Texts), len(b2.Texts)},
			{schema.TableProjects, count(readRows[schema.Project](t, st, schema.TableProjects), func(r schema.Project) string { return r.DocID }), len(b1.Projects), len(b2.Projects)},
			{schema.TableIndicators, count(readRows[schema.Indicator](t, st, schema.TableIndicators), func(r schema.Indicator) string { return r.DocID }), len(b1.Indicators), len(b2.Indicators)},
		} {
			if c.got[id1] != c.w1 || c.got[id2] != c.w2 || len(c.got) > 2 {
				t.Errorf("%s: %s rows by document %v; want %s:%d %s:%d", when, c.table, c.got, id1[:8], c.w1, id2[:8], c.w2)
			}
		}
		for _, table := range schema.Tables {
			for _, f := range st.files(t, table) {
				if f != dataset.DocFile(id1) && f != dataset.DocFile(id2) {
					t.Errorf("%s: %s holds %s, not a document's file", when, table, f)
				}
			}
		}
	}
	check("after the first put")
	// Hand-known rows of system.html's 自评表.
	projects := readRows[schema.Project](t, st, schema.TableProjects)
	if len(projects) != 1 || projects[0].DocID != id1 || deref(projects[0].Project) != "空气质量自动监测站运维经费" {
		t.Errorf("projects read back: %+v; want system.html's 空气质量自动监测站运维经费 alone", projects)
	}
	var names []string
	for _, r := range readRows[schema.Indicator](t, st, schema.TableIndicators) {
		names = append(names, r.Name)
		if r.Name == "监测站点运维数量" && (deref(r.Weight) != 30.0 || deref(r.Score) != 30.0) {
			t.Errorf("监测站点运维数量: weight %v, score %v; want 30, 30", deref(r.Weight), deref(r.Score))
		}
	}
	sort.Strings(names)
	if got := strings.Join(names, ","); got != "公众满意度,数据有效率,监测站点运维数量,空气质量优良天数比率" {
		t.Errorf("indicators read back: %s", got)
	}

	// A retried job: the same document again, nothing doubles.
	if err := s.PutDocument(ctx, b1); err != nil {
		t.Fatal(err)
	}
	check("after putting t1 again")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// A re-extraction of system.html at another extractor version that
	// finds fewer rows: one fact, no 自评表. Its files replace the old ones; its projects and
	// indicators files go.
	s2, err := dataset.OpenSink(ctx, st.out, "test-2")
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	re := &schema.Batch{Reports: append([]schema.Report(nil), b1.Reports...), Texts: b1.Texts, Facts: b1.Facts[:1]}
	re.Reports[0].ExtractorVersion = "test-2"
	if err := s2.PutDocument(ctx, re); err != nil {
		t.Fatal(err)
	}
	if v, err := s2.Has(ctx, id1); err != nil || v != "test-2" {
		t.Fatalf("Has(system.html) after re-extraction = %q, %v; want test-2", v, err)
	}
	if v, err := s2.Has(ctx, id2); err != nil || v != version.Extractor {
		t.Fatalf("Has(t1) after system.html's re-extraction = %q, %v; want %q", v, err, version.Extractor)
	}
	reports := readRows[schema.Report](t, st, schema.TableReports)
	if len(reports) != 2 {
		t.Fatalf("after re-extraction: %d reports rows, want 2", len(reports))
	}
	facts := count(readRows[schema.Fact](t, st, schema.TableFacts), func(r schema.Fact) string { return r.DocID })
	inds := count(readRows[schema.Indicator](t, st, schema.TableIndicators), func(r schema.Indicator) string { return r.DocID })
	if facts[id1] != 1 || facts[id2] != len(b2.Facts) || inds[id1] != 0 || inds[id2] != len(b2.Indicators) {
		t.Errorf("after re-extraction: facts %v, indicators %v; want system.html 1 fact, 0 indicators, t1 %d and %d",
			facts, inds, len(b2.Facts), len(b2.Indicators))
	}
	for _, f := range st.files(t, schema.TableIndicators) {
		if f == dataset.DocFile(id1) {
			t.Errorf("system.html's old indicators file %s is still there", f)
		}
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestSinkRefusesOneDocumentBatches: a batch of two documents, or rows of
// another document, is refused whole before anything is written.
func TestSinkRefusesOneDocumentBatches(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := dataset.OpenSink(ctx, dir, "t")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, b := range []*schema.Batch{
		{Reports: []schema.Report{{DocID: "a"}, {DocID: "b"}}},
		{Facts: []schema.Fact{{DocID: "a"}}},
		{Reports: []schema.Report{{DocID: "a"}}, Facts: []schema.Fact{{DocID: "a"}, {DocID: "b"}}},
		{Reports: []schema.Report{{DocID: "../a"}}},
	} {
		if err := s.PutDocument(ctx, b); err == nil {
			t.Errorf("PutDocument(%d reports, %d facts) succeeded", len(b.Reports), len(b.Facts))
		}
	}
	for _, table := range schema.Tables {
		if files, _ := dataset.TableFiles(dir, table); len(files) != 0 {
			t.Errorf("%s: %v written", table, files)
		}
	}
}

// TestSinkConcurrentPuts: four Sinks (as four workers would), opened at
// once, put the same two documents at once, several times each; each table ends with one file
// per document and the rows once.
func TestSinkConcurrentPuts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b1, id1 := fixtureDoc(t, "testdata/selfeval/system.html")
	b2, id2 := fixtureDoc(t, "testdata/headline/tuning/t1.txt")
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		// Opened at once too: an opener cleaning up must not make the
		// others fail.
		go func() {
			defer wg.Done()
			s, err := dataset.OpenSink(ctx, dir, version.Extractor)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			for i := 0; i < 3; i++ {
				for _, b := range []*schema.Batch{b1, b2} {
					if err := s.PutDocument(ctx, b); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, table := range schema.Tables {
		files, err := dataset.TableFiles(dir, table)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, b := range []*schema.Batch{b1, b2} {
			if b.Len() > 0 && tableLen(b, table) > 0 {
				want = append(want, filepath.Join(table, dataset.DocFile(b.Reports[0].DocID)))
			}
		}
		sort.Strings(want)
		if fmt.Sprint(files) != fmt.Sprint(want) {
			t.Errorf("%s: files %v, want %v", table, files, want)
		}
		// No temporary file is left behind once every writer is done.
		leftovers, _ := filepath.Glob(filepath.Join(dir, table, ".tmp-*"))
		if len(leftovers) != 0 {
			t.Errorf("%s: temporary files left: %v", table, leftovers)
		}
	}
	reports, _ := dataset.ReadTable[schema.Report](dir, schema.TableReports)
	if n := count(reports, func(r schema.Report) string { return r.DocID }); len(reports) != 2 || n[id1] != 1 || n[id2] != 1 {
		t.Errorf("reports rows by doc: %v", n)
	}
}

func tableLen(b *schema.Batch, table string) int {
	switch table {
	case schema.TableReports:
		return len(b.Reports)
	case schema.TableFacts:
		return len(b.Facts)
	case schema.TableTexts:
		return len(b.Texts)
	case schema.TableProjects:
		return len(b.Projects)
	case schema.TableIndicators:
		return len(b.Indicators)
	}
	return 0
}

// TestLayoutsDoNotMix: a folder holds batch files or per-document files,
// never both: each writer refuses the other's folder, and a reader refuses a
// table holding both, since a document could be in two files.
func TestLayoutsDoNotMix(t *testing.T) {
	ctx := context.Background()
	one := &schema.Batch{Reports: []schema.Report{{DocID: "d1", Kind: "other", Warnings: []string{}}}}

	// A Sink's folder: the batch writer refuses it.
	perDoc := t.TempDir()
	s, err := dataset.OpenSink(ctx, perDoc, "t")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutDocument(ctx, one); err != nil {
		t.Fatal(err)
	}
	// While the Sink is open its shared lock keeps the batch writer out.
	var locke *dataset.LockedError
	if _, err := dataset.Lock(perDoc); !errors.As(err, &locke) {
		t.Fatalf("dataset.Lock beside an open Sink: %v, want a LockedError", err)
	}
	s.Close()
	ds, err := dataset.Open(perDoc, "t")
	if err != nil {
		t.Fatal(err)
	}
	var le *dataset.LayoutError
	_, err = ds.Commit(&schema.Batch{Reports: []schema.Report{{DocID: "d2", Kind: "other", Warnings: []string{}}}})
	if !errors.As(err, &le) || le.Want != "batch" {
		t.Fatalf("batch commit into a per-document folder: %v, want a LayoutError", err)
	}
	t.Log(err)

	// A batch folder: OpenSink refuses it, and refuses while a batch
	// writer holds its lock.
	batch := t.TempDir()
	ds, err = dataset.Open(batch, "t")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Commit(one); err != nil {
		t.Fatal(err)
	}
	_, err = dataset.OpenSink(ctx, batch, "t")
	if !errors.As(err, &le) || le.Want != "per-document" {
		t.Fatalf("OpenSink on a batch folder: %v, want a LayoutError", err)
	}
	t.Log(err)
	locked := t.TempDir()
	unlock, err := dataset.Lock(locked)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.OpenSink(ctx, locked, "t"); !errors.As(err, &locke) {
		t.Fatalf("OpenSink while a batch writer holds the lock: %v, want a LockedError", err)
	}
	unlock()

	// Both kinds in one table (copied in by hand): readers refuse it.
	files, _ := dataset.TableFiles(batch, schema.TableReports)
	data, err := os.ReadFile(filepath.Join(batch, files[0]))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(batch, schema.TableReports, dataset.DocFile("d1")), data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = dataset.ReadTable[schema.Report](batch, schema.TableReports)
	if !errors.As(err, &le) || le.Want != "" {
		t.Fatalf("reading a mixed table: %v, want a LayoutError", err)
	}
	t.Log(err)
}

// TestSinkS3RefusesBatchFiles: a prefix holding a batch file (copied from a
// folder `zipin ingest` wrote) is refused.
func TestSinkS3RefusesBatchFiles(t *testing.T) {
	srv := testenv.S3(t)
	ctx := context.Background()
	if _, err := srv.Client.PutObject(ctx, srv.Bucket, "ds/reports/part-20261130T000000.000000000-0000.parquet",
		strings.NewReader("x"), 1, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	var le *dataset.LayoutError
	if _, err := dataset.OpenSink(ctx, srv.URL("ds"), "t"); !errors.As(err, &le) || le.Batch != "reports/part-20261130T000000.000000000-0000.parquet" {
		t.Fatalf("OpenSink on a prefix with a batch file: %v, want a LayoutError naming it", err)
	}
	// Another prefix of the bucket is its own dataset.
	s, err := dataset.OpenSink(ctx, srv.URL("other"), "t")
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := dataset.OpenSink(ctx, "s3://no-such-bucket-zipin/x", "t"); err == nil {
		t.Fatal("OpenSink on a missing bucket succeeded")
	}
}

// TestSinkRemovesLeftovers: a temporary file a killed writer left in a table
// folder is removed by the next Sink that opens alone, and left alone while
// another Sink (which may be writing it) is open.
func TestSinkRemovesLeftovers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s1, err := dataset.OpenSink(ctx, dir, "t")
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, schema.TableFacts, ".tmp-123456")
	if err := os.WriteFile(tmp, []byte("half a file"), 0o644); err != nil {
		t.Fatal(err)
	}
	s2, err := dataset.OpenSink(ctx, dir, "t")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Fatalf("a Sink opened beside another removed %s: %v", tmp, err)
	}
	s1.Close()
	s2.Close()
	s3, err := dataset.OpenSink(ctx, dir, "t")
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Close()
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a Sink opened alone left %s: %v", tmp, err)
	}
}

// TestSinksOpenTogether: sixteen Sinks opened at once on a fresh folder, in
// twenty rounds, all open: the one that finds itself alone and cleans up
// makes the others wait, not fail (an earlier version failed them).
func TestSinksOpenTogether(t *testing.T) {
	for round := 0; round < 20; round++ {
		dir := t.TempDir()
		var wg sync.WaitGroup
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := dataset.OpenSink(context.Background(), dir, "t")
				if err != nil {
					t.Error(err)
					return
				}
				s.Close()
			}()
		}
		wg.Wait()
	}
}

// BenchmarkPutDocument measures one document's write through a Sink (five
// tables of system.html's rows: encode, write, fsync or PUT), locally and,
// with ZIPIN_S3_ENDPOINT set, to the S3 server.
//
//	go test -run X -bench PutDocument ./dataset
func BenchmarkPutDocument(b *testing.B) {
	batch, _ := fixtureDoc(b, "testdata/selfeval/system.html")
	b.Run("local", func(b *testing.B) { benchPut(b, b.TempDir(), batch) })
	b.Run("s3", func(b *testing.B) {
		if os.Getenv("ZIPIN_S3_ENDPOINT") == "" {
			b.Skip("no S3 server: set ZIPIN_S3_ENDPOINT (scripts/lib/s3.sh)")
		}
		srv := testenv.S3(b)
		benchPut(b, srv.URL("bench"), batch)
	})
}

func benchPut(b *testing.B, out string, batch *schema.Batch) {
	ctx := context.Background()
	s, err := dataset.OpenSink(ctx, out, version.Extractor)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.PutDocument(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSinkS3EndpointInURL: the endpoint and region may come from the URL's
// query instead of the environment; a malformed endpoint is refused.
func TestSinkS3EndpointInURL(t *testing.T) {
	srv := testenv.S3(t)
	ctx := context.Background()
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_REGION", "")
	s, err := dataset.OpenSink(ctx, srv.URL("q")+"?endpoint="+srv.Endpoint+"&region="+srv.Region, "t")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.PutDocument(ctx, &schema.Batch{Reports: []schema.Report{{DocID: "d1", ExtractorVersion: "t", Warnings: []string{}}}}); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Has(ctx, "d1"); err != nil || v != "t" {
		t.Fatalf("Has = %q, %v; want t", v, err)
	}
	if _, err := srv.Client.StatObject(ctx, srv.Bucket, "q/reports/doc-d1.parquet", minio.StatObjectOptions{}); err != nil {
		t.Fatalf("the object is not at q/reports/doc-d1.parquet: %v", err)
	}
	for _, bad := range []string{"ftp://127.0.0.1:1", "127.0.0.1:9000", "http://127.0.0.1:1/path"} {
		if _, err := dataset.OpenSink(ctx, srv.URL("q")+"?endpoint="+bad, "t"); err == nil || !strings.Contains(err.Error(), "want http(s)://host[:port]") {
			t.Errorf("endpoint %s: %v, want it refused", bad, err)
		}
	}
}

// TestDocumentFiles: a reader of one document opens its own file in the
// per-document layout, and every file in the batch layout.
func TestDocumentFiles(t *testing.T) {
	perDoc := []string{"facts/doc-a.parquet", "facts/doc-b.parquet"}
	batch := []string{"facts/part-1.parquet", "facts/part-2.parquet"}
	for _, c := range []struct {
		files []string
		id    string
		want  []string
	}{
		{perDoc, "b", []string{"facts/doc-b.parquet"}},
		{perDoc, "c", nil},
		{batch, "b", batch},
		{nil, "b", nil},
	} {
		if got := dataset.DocumentFiles(c.files, c.id); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("DocumentFiles(%v, %s) = %v, want %v", c.files, c.id, got, c.want)
		}
	}
}

// A bucket that does not exist is not created (a typo in --out more likely
// than intent): OpenSink fails with a NoBucketError naming it and the
// command that creates it.
func TestSinkS3MissingBucket(t *testing.T) {
	srv := testenv.S3(t)
	ctx := context.Background()
	typo := srv.Bucket + "-typo"
	_, err := dataset.OpenSink(ctx, "s3://"+typo+"/p", "t")
	var nb *dataset.NoBucketError
	if !errors.As(err, &nb) || nb.Bucket != typo {
		t.Fatalf("OpenSink on a missing bucket: %v, want a NoBucketError", err)
	}
	want := "dataset s3://" + typo + "/p: bucket " + typo + " does not exist at " + srv.Endpoint +
		": check the name in --out; zipin does not create buckets: create it with the store's own tools (aws s3 mb s3://" +
		typo + " --endpoint-url " + srv.Endpoint + ", or mc mb ALIAS/" + typo + "), then run again"
	if err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}
	if ok, err := srv.Client.BucketExists(ctx, typo); ok || err != nil {
		t.Errorf("bucket %s exists after OpenSink: %v, %v", typo, ok, err)
	}
}
