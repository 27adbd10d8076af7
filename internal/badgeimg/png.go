package badgeimg

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
)

// checkPNG reads the dimensions from the header with image.DecodeConfig and
// refuses oversized images before anything else. It then checks the file's
// structure without decoding the pixels into memory: every chunk complete
// with a correct CRC, an IEND, and compressed pixel data that inflates to
// exactly the scanlines the header announces, each with a known filter. (png.Decode would allocate up to
// 128 MiB for a 4096×4096 16-bit image; this check streams into a discard
// and needs a few kilobytes whatever the image.)
func checkPNG(data []byte) (Info, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Info{}, damagedPNG(err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Info{}, damagedPNG(fmt.Errorf("dimensions %dx%d", cfg.Width, cfg.Height))
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide {
		return Info{}, newError(TooManyPixels, nil,
			"The badge image is %d×%d pixels; Satchel accepts images up to %d×%d pixels.", cfg.Width, cfg.Height, MaxSide, MaxSide)
	}
	if err := checkPNGStructure(data, cfg); err != nil {
		return Info{}, damagedPNG(err)
	}
	return Info{ContentType: PNG, Width: cfg.Width, Height: cfg.Height}, nil
}

func damagedPNG(err error) *Error {
	return newError(Damaged, err, "The badge image is a damaged PNG file that cannot be shown; download it again from the issuer.")
}

// Chunk order stages, as the standard decoder enforces them.
const (
	seenIHDR = iota + 1
	seenPLTE
	seentRNS
	seenIDAT
)

type ihdr struct {
	bitDepth, colorType, interlace byte
}

func checkPNGStructure(data []byte, cfg image.Config) error {
	var (
		hdr      ihdr
		idat     []io.Reader
		stage    = seenIHDR
		sawIEND  bool
		idatDone bool
		rest     = data[len(pngSignature):]
		first    = true
	)
	for len(rest) > 0 && !sawIEND {
		if len(rest) < 12 {
			return errors.New("truncated chunk header")
		}
		n := binary.BigEndian.Uint32(rest[:4])
		if uint64(n) > uint64(len(rest)-12) {
			return errors.New("truncated chunk")
		}
		typ := string(rest[4:8])
		body := rest[8 : 8+n]
		sum := binary.BigEndian.Uint32(rest[8+n : 12+n])
		if crc32.ChecksumIEEE(rest[4:8+n]) != sum {
			return fmt.Errorf("chunk %q: bad CRC", typ)
		}
		rest = rest[12+n:]
		if first {
			if typ != "IHDR" || len(body) != 13 {
				return errors.New("first chunk is not IHDR")
			}
			hdr = ihdr{bitDepth: body[8], colorType: body[9], interlace: body[12]}
			first = false
			continue
		}
		paletted := hdr.colorType == 3
		switch typ {
		case "IHDR":
			return errors.New("second IHDR chunk")
		case "PLTE":
			// Only straight after the header (ancillary chunks aside), as
			// the standard decoder requires.
			if stage != seenIHDR || len(body) == 0 || len(body)%3 != 0 || len(body)/3 > 256 {
				return errors.New("bad or misplaced PLTE chunk")
			}
			stage = seenPLTE
		case "tRNS":
			switch {
			case paletted && stage == seenPLTE && len(body) <= 256:
			case hdr.colorType == 0 && stage == seenIHDR && len(body) == 2:
			case hdr.colorType == 2 && (stage == seenIHDR || stage == seenPLTE) && len(body) == 6:
			default:
				return errors.New("bad or misplaced tRNS chunk")
			}
			stage = seentRNS
		case "IDAT":
			if stage == seenIDAT && idatDone {
				return errors.New("IDAT chunks are not consecutive")
			}
			if paletted && stage == seenIHDR {
				return errors.New("palette image without PLTE chunk")
			}
			stage = seenIDAT
			idat = append(idat, bytes.NewReader(body))
		case "IEND":
			if stage != seenIDAT {
				return errors.New("IEND before any pixel data")
			}
			if len(body) != 0 {
				return errors.New("IEND chunk with data")
			}
			sawIEND = true
		default:
			if stage == seenIDAT {
				idatDone = true
			}
		}
	}
	switch {
	case !sawIEND:
		return errors.New("no IEND chunk: the file is cut short")
	case len(idat) == 0:
		return errors.New("no IDAT chunk: no pixel data")
	}
	passes, err := scanlines(cfg.Width, cfg.Height, hdr)
	if err != nil {
		return err
	}
	zr, err := zlib.NewReader(io.MultiReader(idat...))
	if err != nil {
		return fmt.Errorf("pixel data: %w", err)
	}
	// Read the filtered scanlines one row at a time into one small buffer:
	// each must be complete and start with a known filter type (0-4).
	var row []byte
	for _, p := range passes {
		if cap(row) < p.length {
			row = make([]byte, p.length)
		}
		row = row[:p.length]
		for range p.rows {
			if _, err := io.ReadFull(zr, row); err != nil {
				return fmt.Errorf("pixel data ends early: %w", err)
			}
			if row[0] > 4 {
				return fmt.Errorf("unknown filter type %d", row[0])
			}
		}
	}
	// Nothing may follow, and reading to the end checks the zlib checksum.
	if n, err := io.Copy(io.Discard, io.LimitReader(zr, 1)); err != nil || n != 0 {
		return fmt.Errorf("pixel data: too much data or bad checksum (%v)", err)
	}
	return nil
}

// pass is a run of scanlines of one length (filter byte included).
type pass struct {
	rows, length int
}

// scanlines lists the filtered scanlines the header announces: one pass for
// a plain image, up to seven (Adam7) for an interlaced one.
func scanlines(w, h int, hdr ihdr) ([]pass, error) {
	var channels int
	switch hdr.colorType {
	case 0, 3:
		channels = 1
	case 2:
		channels = 3
	case 4:
		channels = 2
	case 6:
		channels = 4
	default:
		return nil, fmt.Errorf("colour type %d", hdr.colorType)
	}
	bpp := channels * int(hdr.bitDepth)
	line := func(w int) int { return 1 + (w*bpp+7)/8 }
	if hdr.interlace == 0 {
		return []pass{{rows: h, length: line(w)}}, nil
	}
	adam7 := [7][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}
	var out []pass
	for _, a := range adam7 {
		pw := (w - a[0] + a[2] - 1) / a[2]
		ph := (h - a[1] + a[3] - 1) / a[3]
		if pw > 0 && ph > 0 {
			out = append(out, pass{rows: ph, length: line(pw)})
		}
	}
	return out, nil
}
