package upload

import (
	"bytes"
	"errors"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vigie/internal/fixtures"
)

// D3: the kind comes from the content, never from the name.
func TestDetectD3(t *testing.T) {
	pdf, elf := fixtures.PDF(), fixtures.Executable()
	cases := []struct {
		name string
		data []byte
		kind Kind
		err  error
	}{
		{"pdf", pdf, PDF, nil},
		{"truncated pdf", pdf[:len(pdf)-8], "", ErrTruncated},
		{"jpeg with exif", fixtures.Photo(t), JPEG, nil},
		{"png", fixtures.PNG(t), PNG, nil},
		{"executable renamed .pdf", elf, "", ErrUnsupported},
		{"html", []byte("<html><script>alert(1)</script></html>"), "", ErrUnsupported},
		{"jpeg header only", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10}, "", ErrCorrupt},
		{"empty", nil, "", ErrEmpty},
		{"png declaring 100,000 × 100,000 pixels", fixtures.PNGBomb(100_000, 100_000), "", ErrTooLarge},
		{"png of zero pixels", fixtures.PNGBomb(0, 10), "", ErrCorrupt},
	}
	for _, c := range cases {
		kind, err := Detect(c.data)
		if kind != c.kind || !errors.Is(err, c.err) {
			t.Errorf("%s: %q, %v; want %q, %v", c.name, kind, err, c.kind, c.err)
		}
	}
}

// D4: the photo comes out upright (20×40, red on top), without EXIF, GPS
// or author, and with a preview.
func TestNormalizeImageD4(t *testing.T) {
	in := fixtures.Photo(t)
	if !bytes.Contains(in, []byte("Exif")) || !bytes.Contains(in, []byte("JDUPONT")) {
		t.Fatal("the fixture lacks its metadata")
	}
	n, err := NormalizeImage(in, JPEG)
	if err != nil {
		t.Fatal(err)
	}
	for _, marker := range []string{"Exif", "JDUPONT", "II*"} {
		if bytes.Contains(n.Data, []byte(marker)) {
			t.Errorf("normalised image still holds %q", marker)
		}
	}
	img, err := jpeg.Decode(bytes.NewReader(n.Data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 20 || b.Dy() != 40 {
		t.Fatalf("size %v: orientation not applied", b)
	}
	// Rotating 90° clockwise puts the left (red) half on top.
	if r, _, bl, _ := img.At(10, 5).RGBA(); r < 0xC000 || bl > 0x4000 {
		t.Fatalf("top pixel is not red: r=%x b=%x", r, bl)
	}
	if _, err := jpeg.Decode(bytes.NewReader(n.Preview)); err != nil {
		t.Fatalf("preview: %v", err)
	}
	if _, err := NormalizeImage([]byte{0xFF, 0xD8, 0xFF, 0xE0}, JPEG); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("broken image: %v", err)
	}
	exiftool(t, in, n.Data)
}

// exiftool, when installed, confirms independently what the input had and
// the output lost.
func exiftool(t *testing.T, in, out []byte) {
	path, err := exec.LookPath("exiftool")
	if err != nil {
		t.Log("exiftool not installed: independent check skipped")
		return
	}
	dir := t.TempDir()
	read := func(data []byte) string {
		f := filepath.Join(dir, "x.jpg")
		os.WriteFile(f, data, 0o600)
		res, _ := exec.Command(path, "-s", "-GPSLatitude", "-Orientation", "-Artist", f).CombinedOutput()
		return string(res)
	}
	if before := read(in); !strings.Contains(before, "GPSLatitude") || !strings.Contains(before, "Artist") {
		t.Fatalf("exiftool does not see the fixture's tags: %s", before)
	}
	if after := read(out); strings.Contains(after, "GPS") || strings.Contains(after, "Artist") || strings.Contains(after, "Orientation") {
		t.Fatalf("exiftool still sees: %s", after)
	}
}

// FuzzDetect: any bytes are classified or refused, never a panic; what is
// accepted as an image normalises (D3, D4).
func FuzzDetect(f *testing.F) {
	f.Add(fixtures.PDF())
	f.Add(fixtures.TruncatedPDF())
	f.Add(fixtures.PNG(f))
	f.Add(fixtures.Photo(f))
	f.Add(fixtures.Executable())
	f.Add(fixtures.PNGBomb(100_000, 100_000))
	f.Fuzz(func(t *testing.T, data []byte) {
		kind, err := Detect(data)
		if err != nil {
			if kind != "" {
				t.Fatalf("refused with a kind: %q, %v", kind, err)
			}
			return
		}
		if kind == PDF {
			return
		}
		if n, err := NormalizeImage(data, kind); err == nil && (len(n.Data) == 0 || len(n.Preview) == 0) {
			t.Fatal("an accepted image normalised to nothing")
		}
	})
}
