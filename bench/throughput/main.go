// Command throughput measures SPEC's HTTP budget: authenticated list
// throughput is at least 0.7× PocketBase's own list endpoint on a public
// collection of the same rows. Against the data dir of bench/docgen it serves
// the real router (every Vigie hook bound) on 127.0.0.1, adds a public view
// collection over the same documents if missing, and runs wrk alternately on
// both endpoints, bounded in time, reporting requests/s, p99 and the ratio.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime/pprof"
	"strconv"
	"syscall"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"vigie/bench/internal/budget"
	"vigie/hooks"
	"vigie/internal/config"
	"vigie/internal/handler"
	"vigie/internal/stmtcache"
	_ "vigie/pb_migrations"
)

const publicView = "bench_public_documents"

func main() {
	dir := flag.String("dir", "bench/data/documents", "data dir built by bench/docgen")
	seconds := flag.Int("seconds", 8, "duration of each wrk round")
	rounds := flag.Int("rounds", 2, "rounds per side, alternated")
	profile := flag.String("cpuprofile", "", "profile the server during one authenticated round, then stop")
	profilePublic := flag.Bool("profile-public", false, "with -cpuprofile, profile a public round instead (the baseline to diff against)")
	flag.Parse()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: *dir, DBConnect: stmtcache.Connect})
	must(app.Bootstrap())
	must(app.RunAllMigrations())
	cfg := config.Default()
	hooks.Register(app, &cfg)
	ensurePublicView(app)
	handler := serve(app)
	app.Settings().RateLimits.Enabled = false // one address sends everything: the limiter is not measured
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	go http.Serve(ln, handler)
	base := "http://" + ln.Addr().String()
	user, err := app.FindAuthRecordByEmail("users", "bench-processing@vigie.test")
	must(err)
	token, err := user.NewAuthToken()
	must(err)
	page := "?perPage=30&skipTotal=1"
	if *profile != "" {
		f, err := os.Create(*profile)
		must(err)
		must(pprof.StartCPUProfile(f))
		url, auth := base+"/api/collections/documents/records"+page, token
		if *profilePublic {
			url, auth = base+"/api/collections/"+publicView+"/records"+page, ""
		}
		rps, p99 := wrk(*seconds, url, auth)
		pprof.StopCPUProfile()
		fmt.Printf("profiled round: %.0f req/s, p99 %.1f ms\n", rps, p99)
		f.Close()
		return
	}
	var authRPS, publicRPS, authP99, publicP99, authCPU, publicCPU float64
	for r := 0; r < *rounds; r++ {
		before := cpuTime()
		rps, p99 := wrk(*seconds, base+"/api/collections/"+publicView+"/records"+page, "")
		publicCPU += (cpuTime() - before) / (rps * float64(*seconds))
		publicRPS, publicP99 = publicRPS+rps/float64(*rounds), max(publicP99, p99)
		before = cpuTime()
		rps, p99 = wrk(*seconds, base+"/api/collections/documents/records"+page, token)
		authCPU += (cpuTime() - before) / (rps * float64(*seconds))
		authRPS, authP99 = authRPS+rps/float64(*rounds), max(authP99, p99)
	}
	publicCPU, authCPU = publicCPU/float64(*rounds), authCPU/float64(*rounds)
	fmt.Printf("public view list: %.0f req/s, p99 %.1f ms, server CPU %.0f µs/request\n"+
		"authenticated documents list: %.0f req/s, p99 %.1f ms, server CPU %.0f µs/request\n"+
		"server CPU ratio (public/authenticated, what the req/s ratio tends to on an idle machine): %.2fx\n",
		publicRPS, publicP99, publicCPU*1e6, authRPS, authP99, authCPU*1e6, publicCPU/authCPU)
	ratio := authRPS / publicRPS
	budget.Line("authenticated list throughput vs public list", fmt.Sprintf("%.0f vs %.0f req/s = %.2fx (p99 %.1f vs %.1f ms)",
		authRPS, publicRPS, ratio, authP99, publicP99), ">= 0.70x", ratio >= 0.7)
}

// cpuTime is the CPU time this process (the server) has used, in seconds.
// Per request it does not depend on how busy the rest of the machine is,
// unlike req/s on a shared machine.
func cpuTime() float64 {
	var ru syscall.Rusage
	must(syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// ensurePublicView adds a view collection over the documents' rows, listed
// by anyone: PocketBase's own list endpoint without any rule.
func ensurePublicView(app core.App) {
	// The same fields the documents API returns, so both answers weigh the same.
	const query = "SELECT id, supplier, type, file, preview, validFrom, validUntil, addressee, status, uploadedBy, " +
		"archived, replaces, created, updated FROM documents"
	c, err := app.FindCollectionByNameOrId(publicView)
	if err == nil && c.ViewQuery == query {
		return
	}
	if err != nil {
		c = core.NewViewCollection(publicView)
	}
	c.ViewQuery = query
	empty := ""
	c.ListRule, c.ViewRule = &empty, &empty
	must(app.Save(c))
}

func serve(app core.App) http.Handler {
	h, err := handler.New(app)
	must(err)
	return h
}

var (
	rpsRe = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	p99Re = regexp.MustCompile(`\s99%\s+([\d.]+)(us|ms|s)`)
)

// wrk runs one bounded round on loopback: 2 threads, 8 connections.
func wrk(seconds int, url, token string) (rps, p99ms float64) {
	args := []string{"-t2", "-c8", "-d" + strconv.Itoa(seconds) + "s", "--latency", url}
	if token != "" {
		args = append([]string{"-H", "Authorization: " + token}, args...)
	}
	out, err := exec.Command("wrk", args...).CombinedOutput()
	if err != nil {
		log.Fatalf("wrk: %v\n%s", err, out)
	}
	m := rpsRe.FindSubmatch(out)
	if m == nil {
		log.Fatalf("wrk output: %s", out)
	}
	rps, _ = strconv.ParseFloat(string(m[1]), 64)
	if m := p99Re.FindSubmatch(out); m != nil {
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		switch string(m[2]) {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		p99ms = v
	}
	time.Sleep(500 * time.Millisecond)
	return rps, p99ms
}
