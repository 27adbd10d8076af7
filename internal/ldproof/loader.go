package ldproof

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/piprate/json-gold/ld"
)

//go:embed contexts/*.json contexts/*.jsonld contexts/index.tsv
var contextFS embed.FS

// contexts maps a context URL to its parsed document. It is built once and
// only read afterwards, so it is safe to share between goroutines.
var (
	contextsOnce sync.Once
	contexts     map[string]*ld.RemoteDocument
	contextsErr  error
)

func loadContexts() (map[string]*ld.RemoteDocument, error) {
	contextsOnce.Do(func() {
		contexts, contextsErr = parseContexts()
	})
	return contexts, contextsErr
}

func parseContexts() (map[string]*ld.RemoteDocument, error) {
	index, err := contextFS.ReadFile("contexts/index.tsv")
	if err != nil {
		return nil, fmt.Errorf("ldproof: read context index: %w", err)
	}
	byFile := map[string]any{}
	out := map[string]*ld.RemoteDocument{}
	sc := bufio.NewScanner(bytes.NewReader(index))
	first := true
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if first {
			first = false
			continue // header
		}
		if line == "" {
			continue
		}
		u, file, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("ldproof: bad context index line %q", line)
		}
		doc, seen := byFile[file]
		if !seen {
			data, err := contextFS.ReadFile("contexts/" + file)
			if err != nil {
				return nil, fmt.Errorf("ldproof: read context %s: %w", file, err)
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				return nil, fmt.Errorf("ldproof: parse context %s: %w", file, err)
			}
			byFile[file] = doc
		}
		out[u] = &ld.RemoteDocument{DocumentURL: u, Document: doc}
	}
	return out, sc.Err()
}

// ContextURLs lists the context URLs that are embedded, in no particular order.
func ContextURLs() []string {
	m, _ := loadContexts()
	urls := make([]string, 0, len(m))
	for u := range m {
		urls = append(urls, u)
	}
	return urls
}

// ErrUnknownContext is returned (wrapped) when a document refers to a JSON-LD
// context that is not embedded in Satchel. Contexts are never fetched.
var ErrUnknownContext = fmt.Errorf("ldproof: JSON-LD context is not known to Satchel and is never fetched")

// embeddedLoader is an ld.DocumentLoader that serves only the embedded
// contexts and refuses every other URL without touching the network.
type embeddedLoader struct{}

func (embeddedLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	m, err := loadContexts()
	if err != nil {
		return nil, err
	}
	if d, ok := m[u]; ok {
		return d, nil
	}
	return nil, &unknownContextError{url: u}
}

type unknownContextError struct{ url string }

func (e *unknownContextError) Error() string {
	return fmt.Sprintf("it uses the JSON-LD context %s, which Satchel does not know (contexts are never fetched)", e.url)
}

func (e *unknownContextError) Unwrap() error { return ErrUnknownContext }
