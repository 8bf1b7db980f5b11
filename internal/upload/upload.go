// Package upload decides what an uploaded document is, by its content only
// (D3), and normalises images (D4): orientation applied, every metadata block
// dropped by re-encoding, a preview made. It is pure: bytes in, bytes out.
package upload

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"github.com/disintegration/imaging"
)

// Kind is an accepted document format.
type Kind string

// The accepted formats.
const (
	PDF  Kind = "application/pdf"
	JPEG Kind = "image/jpeg"
	PNG  Kind = "image/png"
)

// Extension is the file extension stored for a kind.
func (k Kind) Extension() string {
	return map[Kind]string{PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}[k]
}

// Label names a kind for people.
func (k Kind) Label() string {
	return map[Kind]string{PDF: "a PDF", JPEG: "a JPEG image", PNG: "a PNG image"}[k]
}

// Errors name why a file is refused.
var (
	ErrEmpty       = errors.New("the file is empty")
	ErrUnsupported = errors.New("only PDF, JPEG and PNG documents are accepted")
	ErrTruncated   = errors.New("the PDF is incomplete (no end-of-file marker)")
	ErrCorrupt     = errors.New("the image cannot be read")
	ErrTooLarge    = fmt.Errorf("the image is larger than %d megapixels", MaxPixels/1_000_000)
)

// MaxPixels bounds an image's declared size: decoding allocates four bytes
// a pixel, so a small file declaring huge dimensions (a decompression bomb)
// is refused before it is decoded. Phone photos are well below.
const MaxPixels = 60_000_000

var (
	pdfMagic = []byte("%PDF-")
	pdfEOF   = []byte("%%EOF")
	jpegSOI  = []byte{0xFF, 0xD8, 0xFF}
	pngMagic = []byte("\x89PNG\r\n\x1a\n")
)

// Detect returns the kind of data from its bytes, whatever its name or
// declared type says; a PDF must end with its end-of-file marker and an
// image must decode.
func Detect(data []byte) (Kind, error) {
	switch {
	case len(data) == 0:
		return "", ErrEmpty
	case bytes.HasPrefix(data, pdfMagic):
		tail := data[max(0, len(data)-2048):]
		if !bytes.Contains(tail, pdfEOF) {
			return "", ErrTruncated
		}
		return PDF, nil
	case bytes.HasPrefix(data, jpegSOI):
		c, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return "", ErrCorrupt
		}
		if err := checkPixels(c); err != nil {
			return "", err
		}
		return JPEG, nil
	case bytes.HasPrefix(data, pngMagic):
		c, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return "", ErrCorrupt
		}
		if err := checkPixels(c); err != nil {
			return "", err
		}
		return PNG, nil
	}
	return "", ErrUnsupported
}

func checkPixels(c image.Config) error {
	if c.Width <= 0 || c.Height <= 0 {
		return ErrCorrupt
	}
	if int64(c.Width)*int64(c.Height) > MaxPixels {
		return ErrTooLarge
	}
	return nil
}

// Normalized is an image made safe to store and share.
type Normalized struct {
	Data    []byte // the image, upright, without metadata
	Preview []byte // a JPEG at most PreviewSize pixels wide or high
}

// PreviewSize bounds a preview's longer side.
const PreviewSize = 480

// NormalizeImage decodes an image applying its EXIF orientation, and
// encodes it again: the new file carries pixels only, so GPS position,
// camera and author are gone. Full decoding also proves the image whole.
func NormalizeImage(data []byte, kind Kind) (*Normalized, error) {
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	var out bytes.Buffer
	switch kind {
	case JPEG:
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 90})
	case PNG:
		err = png.Encode(&out, img)
	default:
		return nil, ErrUnsupported
	}
	if err != nil {
		return nil, err
	}
	preview, err := Preview(img)
	if err != nil {
		return nil, err
	}
	return &Normalized{Data: out.Bytes(), Preview: preview}, nil
}

// Preview makes the small JPEG shown in lists.
func Preview(img image.Image) ([]byte, error) {
	small := imaging.Fit(img, PreviewSize, PreviewSize, imaging.Lanczos)
	var out bytes.Buffer
	err := jpeg.Encode(&out, small, &jpeg.Options{Quality: 80})
	return out.Bytes(), err
}
