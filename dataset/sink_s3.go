package dataset

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"zipin/schema"
)

// s3Sink is a Sink on an S3-compatible object store, through minio-go.
//
// Object storage has no rename, so the local recipe (write aside, rename
// over) does not apply; it needs none: a PUT is atomic per object — the
// object appears whole when the upload completes (for a multipart upload,
// at CompleteMultipartUpload), and until then a reader sees the previous
// object or none. The object's key is <prefix>/<table>/doc-<doc_id>.parquet,
// a function of the document, so a retried or repeated PutDocument
// overwrites the same keys and a listing holds each document at most once
// per table. S3 has read-after-write and list-after-write consistency (and
// so do the S3-compatible servers that store objects on one file system); on
// a store without it a new document may be missing from a listing for a
// while, never doubled.
type s3Sink struct {
	c       *minio.Client
	url     string // s3://bucket/prefix, for messages
	bucket  string
	prefix  string // without leading or trailing "/"; "" for the bucket's root
	version string
}

// openS3Sink opens s3://bucket/prefix. The endpoint and credentials come
// from the standard environment: AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL
// (e.g. http://127.0.0.1:7070; its scheme decides TLS; without one, AWS S3),
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (else ~/.aws/credentials,
// else an instance role), AWS_REGION or AWS_DEFAULT_REGION. The URL's
// query may override the endpoint and region: s3://b/p?endpoint=…&region=….
// A custom endpoint is addressed path-style (http://host/bucket/key), which
// every S3-compatible server accepts. The bucket must exist: a missing one
// is a *NoBucketError.
func openS3Sink(ctx context.Context, out, extractorVersion string) (*s3Sink, error) {
	u, err := url.Parse(out)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("dataset %s: not an s3://bucket/prefix URL", out)
	}
	q := u.Query()
	endpoint := firstNonEmpty(q.Get("endpoint"), os.Getenv("AWS_ENDPOINT_URL_S3"), os.Getenv("AWS_ENDPOINT_URL"))
	region := firstNonEmpty(q.Get("region"), os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"))
	c, err := newS3Client(endpoint, region)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", out, err)
	}
	s := &s3Sink{c: c, bucket: u.Host, prefix: strings.Trim(u.Path, "/"), version: extractorVersion,
		url: "s3://" + u.Host + "/" + strings.Trim(u.Path, "/")}
	ok, err := c.BucketExists(ctx, s.bucket)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", s.url, err)
	}
	if !ok {
		e := &NoBucketError{URL: s.url, Bucket: s.bucket}
		if endpoint != "" {
			e.Endpoint = c.EndpointURL().String()
		}
		return nil, e
	}
	if err := s.checkLayout(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// NoBucketError says the bucket of an s3:// dataset does not exist. zipin
// does not create it: for a worker started by cron or systemd a missing
// bucket is more likely a typo in --out than intent, and one created there
// would get whatever region and policies the worker's credentials default
// to. The message gives a command that creates it.
type NoBucketError struct {
	URL      string // s3://bucket/prefix
	Bucket   string
	Endpoint string // the custom endpoint, "" for AWS S3
}

func (e *NoBucketError) Error() string {
	where, flag := "", ""
	if e.Endpoint != "" {
		where, flag = " at "+e.Endpoint, " --endpoint-url "+e.Endpoint
	}
	return fmt.Sprintf("dataset %s: bucket %s does not exist%s: check the name in --out; zipin does not create buckets: "+
		"create it with the store's own tools (aws s3 mb s3://%s%s, or mc mb ALIAS/%s), then run again", e.URL, e.Bucket, where, e.Bucket, flag, e.Bucket)
}

func newS3Client(endpoint, region string) (*minio.Client, error) {
	opts := &minio.Options{
		Creds: credentials.NewChainCredentials([]credentials.Provider{
			&credentials.EnvAWS{}, &credentials.FileAWSCredentials{}, &credentials.IAM{},
		}),
		Region: region,
		Secure: true,
	}
	host := "s3.amazonaws.com"
	if endpoint != "" {
		e, err := url.Parse(endpoint)
		if err != nil || e.Host == "" || (e.Scheme != "http" && e.Scheme != "https") || strings.Trim(e.Path, "/") != "" {
			return nil, fmt.Errorf("S3 endpoint %q: want http(s)://host[:port]", endpoint)
		}
		host, opts.Secure = e.Host, e.Scheme == "https"
		opts.BucketLookup = minio.BucketLookupPath
	}
	return minio.New(host, opts)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func (s *s3Sink) key(table, docID string) string {
	return path.Join(s.prefix, table, DocFile(docID))
}

// checkLayout refuses a prefix whose tables hold batch files (part-…,
// copied from a folder `zipin ingest` wrote): one listing request per table,
// of at most one key.
func (s *s3Sink) checkLayout(ctx context.Context) error {
	for _, t := range schema.Tables {
		ctx, cancel := context.WithCancel(ctx)
		for o := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: path.Join(s.prefix, t) + "/part-", MaxKeys: 1}) {
			cancel()
			if o.Err != nil {
				return fmt.Errorf("dataset %s: listing %s: %w", s.url, t, o.Err)
			}
			return &LayoutError{Dir: s.url, Table: t, Batch: strings.TrimPrefix(o.Key, s.prefix+"/"), Want: "per-document"}
		}
		cancel()
	}
	return nil
}

// PutDocument PUTs each table's object, reports last; a table without rows
// loses the document's old object (a DELETE of a missing key succeeds).
// minio-go retries a failed request itself; an error here leaves no reports
// object newer than the others, so the caller does the document again.
func (s *s3Sink) PutDocument(ctx context.Context, b *schema.Batch) error {
	id, parts, err := encodeDocument(b, s.version)
	if err != nil {
		return fmt.Errorf("%w (dataset %s)", err, s.url)
	}
	return putParts(ctx, parts, func(ctx context.Context, p docPart) error {
		key := s.key(p.table, id)
		if p.data == nil {
			if err := s.c.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
				return fmt.Errorf("dataset %s: removing %s's old %s: %w", s.url, id, p.table, err)
			}
			return nil
		}
		_, err := s.c.PutObject(ctx, s.bucket, key, bytes.NewReader(p.data), int64(len(p.data)),
			minio.PutObjectOptions{ContentType: "application/vnd.apache.parquet"})
		if err != nil {
			return fmt.Errorf("dataset %s: writing %s: %w", s.url, key, err)
		}
		return nil
	})
}

func (s *s3Sink) Has(ctx context.Context, docID string) (string, error) {
	if err := checkDocID(docID); err != nil {
		return "", err
	}
	key := s.key(schema.TableReports, docID)
	o, err := s.c.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return "", fmt.Errorf("dataset %s: reading %s: %w", s.url, key, err)
	}
	defer o.Close()
	data, err := io.ReadAll(o)
	if err != nil {
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return "", nil
		}
		return "", fmt.Errorf("dataset %s: reading %s: %w", s.url, key, err)
	}
	v, err := docVersion(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("dataset %s: reading %s: %w", s.url, key, err)
	}
	return v, nil
}

func (s *s3Sink) Close() error { return nil }
