package badgeimg

import (
	"context"
	"errors"
	"fmt"

	"github.com/satchel-backpack/satchel/internal/fetch"
)

// Fetcher is what Fetch needs from the guarded client (*fetch.Client).
type Fetcher interface {
	Get(ctx context.Context, url string, kind fetch.Kind) (*fetch.Response, error)
}

// Fetch downloads the image at url through f (as fetch.Image, so the client's
// address checks, size cap and time limit apply) and checks it. A data: URI
// is decoded locally without any request. The returned bytes are exactly
// what was served.
func Fetch(ctx context.Context, f Fetcher, url string) ([]byte, Info, error) {
	var data []byte
	if IsDataURI(url) {
		var err error
		if data, err = FromDataURI(url); err != nil {
			return nil, Info{}, err
		}
	} else {
		if f == nil {
			return nil, Info{}, newError(Unavailable, errors.New("no fetcher"), "The badge image could not be downloaded.")
		}
		resp, err := f.Get(ctx, url, fetch.Image)
		if err != nil {
			var fe *fetch.Error
			if errors.As(err, &fe) {
				if fe.Kind == fetch.BadContentType {
					// The body was neither PNG nor SVG; say so in this
					// package's words, with what the server claimed.
					return nil, Info{}, &Error{Kind: NotImage, Message: fe.Message(), Err: err}
				}
				k := Unavailable
				if fe.Kind == fetch.TooLarge {
					k = TooLarge
				}
				return nil, Info{}, &Error{Kind: k, Message: "The badge image could not be downloaded: " + fe.Message(), Err: err}
			}
			return nil, Info{}, newError(Unavailable, err, "The badge image could not be downloaded; try again later.")
		}
		if resp == nil {
			return nil, Info{}, newError(Unavailable, errors.New("no response"), "The badge image could not be downloaded; try again later.")
		}
		if resp.Status < 200 || resp.Status > 299 {
			return nil, Info{}, newError(Unavailable, fmt.Errorf("HTTP %d from %s", resp.Status, resp.URL),
				"The badge image could not be downloaded: the issuer's server answered with error %d.", resp.Status)
		}
		data = resp.Body
	}
	info, err := Check(data)
	if err != nil {
		return nil, Info{}, err
	}
	return data, info, nil
}
