package upload

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// photo is a real JPEG, 40×20, whose left half is red, carrying an EXIF
// block with orientation 6 (rotate 90° clockwise to show) and a GPS position
// as a phone writes them.
func photo(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for y := 0; y < 20; y++ {
		for x := 0; x < 40; x++ {
			c := color.RGBA{0, 0, 255, 255}
			if x < 20 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	exif := exifBlock()
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(exif)+2))
	raw := plain.Bytes()
	return append(append(append([]byte{}, raw[:2]...), append(app1, exif...)...), raw[2:]...)
}

// exifBlock builds "Exif\0\0" + a little-endian TIFF with IFD0 holding
// Orientation=6, Artist and a GPS IFD pointer; the GPS IFD holds a latitude.
func exifBlock() []byte {
	le := binary.LittleEndian
	var b bytes.Buffer
	b.WriteString("Exif\x00\x00")
	tiff := new(bytes.Buffer)
	tiff.Write([]byte("II*\x00"))
	binary.Write(tiff, le, uint32(8)) // IFD0 at 8
	entry := func(tag, typ uint16, count, value uint32) {
		binary.Write(tiff, le, tag)
		binary.Write(tiff, le, typ)
		binary.Write(tiff, le, count)
		binary.Write(tiff, le, value)
	}
	// IFD0: 3 entries → 2 + 3*12 + 4 = 42 bytes, ends at 50.
	binary.Write(tiff, le, uint16(3))
	entry(0x0112, 3, 1, 6)  // Orientation: rotate 90 CW
	entry(0x013B, 2, 8, 50) // Artist at 50
	entry(0x8825, 4, 1, 58) // GPS IFD at 58
	binary.Write(tiff, le, uint32(0))
	tiff.WriteString("JDUPONT\x00") // 50..58
	// GPS IFD at 58: 2 entries → 2+24+4 = 30, ends at 88; rationals at 88.
	binary.Write(tiff, le, uint16(2))
	entry(0x0001, 2, 2, 'N') // GPSLatitudeRef "N"
	entry(0x0002, 5, 3, 88)  // GPSLatitude at 88
	binary.Write(tiff, le, uint32(0))
	for _, v := range []uint32{48, 1, 51, 1, 2417, 100} { // 48° 51' 24.17"
		binary.Write(tiff, le, v)
	}
	b.Write(tiff.Bytes())
	return b.Bytes()
}

// D3: the kind comes from the content, never from the name.
func TestDetectD3(t *testing.T) {
	var pngBuf bytes.Buffer
	png.Encode(&pngBuf, image.NewRGBA(image.Rect(0, 0, 2, 2)))
	pdf := []byte("%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	elf := append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...)
	cases := []struct {
		name string
		data []byte
		kind Kind
		err  error
	}{
		{"pdf", pdf, PDF, nil},
		{"truncated pdf", pdf[:len(pdf)-8], "", ErrTruncated},
		{"jpeg with exif", photo(t), JPEG, nil},
		{"png", pngBuf.Bytes(), PNG, nil},
		{"executable renamed .pdf", elf, "", ErrUnsupported},
		{"html", []byte("<html><script>alert(1)</script></html>"), "", ErrUnsupported},
		{"jpeg header only", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10}, "", ErrCorrupt},
		{"empty", nil, "", ErrEmpty},
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
	in := photo(t)
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
