// Command pages measures SPEC's pages budget (issue 17): every API call the
// pages of pb_public make, as each profile, answers in under 50 ms at the
// 99th percentile, and no request of a guest costs more than 5 ms of server
// time.
//
// The data dir is never written: its database is copied (sqlite3 .backup)
// into a temporary dir whose storage is a link to the original's. On the
// copy it adds the accounts older data sets lack (bench/internal/accounts),
// then serves it with a real Vigie binary on 127.0.0.1, signs every profile
// in once, and replays each page's calls as the page encodes them, one at a
// time: a few warm-ups, then up to -n measured requests, fewer once a call
// has taken -cell, each with a client timeout. Every request comes from its
// own loopback address (127.x.y.z): a page load sends each call once, so the
// per-client limits (PocketBase's 300 requests per 10 s, the throttle of
// repeated empty filtered lists) are not what is measured.
//
// A request that times out goes on in the server, in SQLite, for as long as
// it takes: after one the server is killed and started again (its request
// log read first), so the next calls are measured on an idle server; their
// warm-ups absorb its cold start.
//
// Signing in is measured once per profile and shown, outside the budget: it
// writes the user, PocketBase allows a client two a 3 s, and its cost is
// the password hash's, chosen to be slow.
//
// Server time is PocketBase's own request log (execTime, in auxiliary.db,
// each request found by its User-Agent): the time from its activity logger,
// the outermost middleware, to the handler's return, without the network
// and the client.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	dir := flag.String("dir", "bench/data/documents", "data dir built by bench/docgen (read only: the server runs on a copy)")
	bin := flag.String("bin", "", "Vigie binary to serve (default: go build of the current directory)")
	label := flag.String("label", "", "data set name in the budget lines (default: the data dir's base name)")
	n := flag.Int("n", 100, "measured requests per call and profile, after the warm-ups (a p99 needs 100: of 30, it is the slowest)")
	warm := flag.Int("warmup", 3, "warm-up requests per call and profile")
	timeout := flag.Duration("timeout", 10*time.Second, "client timeout of every request (a timeout is a FAIL)")
	cellTime := flag.Duration("cell", 3*time.Second, "time after which a call stops repeating (at least one measured request)")
	only := flag.String("only", "", "measure only the calls whose name matches this regular expression (while working on them)")
	deadline := flag.Duration("deadline", 20*time.Minute, "calls not started by then are reported as not run (FAIL)")
	guests := flag.Int("guests", 0, "then measure one profile's calls again under this many anonymous clients sending the guests' calls (0: skip)")
	guestProfile := flag.String("guest-profile", "customer admin", "the profile measured under the guests' load")
	flag.Parse()
	if *label == "" {
		*label = filepath.Base(*dir)
	}
	work, err := os.MkdirTemp("", "bench-pages-")
	must(err)
	atExit(func() { os.RemoveAll(work) })
	onSignal()

	binary := *bin
	if binary == "" {
		binary = filepath.Join(work, "vigie")
		run("go", "build", "-o", binary, ".")
	}
	log.Printf("copying %s to %s", *dir, work)
	copyDataDir(*dir, work)
	fx := prepare(work)
	b := &bench{srv: &server{binary: binary, work: work}, timeout: *timeout, logTimes: map[string]float64{}}
	b.srv.start()
	atExit(b.srv.stop)
	b.client = b.newClient()
	var signIns []cell
	for i := range fx.profiles {
		p := &fx.profiles[i]
		if p.email != "" {
			var c cell
			p.token, p.id, c = b.signIn(p)
			signIns = append(signIns, c)
		}
	}
	plan := append(signIns, pageCalls(fx)...)
	keep := regexp.MustCompile(*only)
	load := loadAverage()
	stop := time.Now().Add(*deadline)
	for i := range plan {
		if plan[i].signIn {
			continue
		}
		if c := &plan[i]; !keep.MatchString(c.call) {
			c.skipped = true
			continue
		}
		if c := &plan[i]; c.pathFor != nil {
			id := plan[i-c.back].firstID
			if c.skipped = id == ""; c.skipped {
				continue
			}
			c.path = c.pathFor(id)
		}
		if time.Now().After(stop) {
			plan[i].notRun = true
			continue
		}
		b.measure(&plan[i], *warm, *n, *cellTime)
		if plan[i].timeout {
			b.readLog(plan[:i+1])
			b.srv.stop()
			b.srv.start()
		}
	}
	b.readLog(plan)
	fmt.Printf("load average (1, 5, 15 min) before: %s, after: %s\n", load, loadAverage())
	report(*label, plan, *timeout)
	if *guests > 0 {
		b.underGuests(plan, *guests, *guestProfile, *warm, *n, *cellTime)
	}
	exit(0) // a budget missed is a FAIL line for bench/run, not an error
}

// copyDataDir copies src's database into work with sqlite3's online backup,
// read only, and links the stored files; auxiliary.db (logs) starts empty.
func copyDataDir(src, work string) {
	db := filepath.Join(src, "data.db")
	if _, err := os.Stat(db); err != nil {
		fatal(err)
	}
	run("sqlite3", "-readonly", db, ".backup '"+filepath.Join(work, "data.db")+"'")
	storage, err := filepath.Abs(filepath.Join(src, "storage"))
	must(err)
	if _, err := os.Stat(storage); err == nil {
		must(os.Symlink(storage, filepath.Join(work, "storage")))
	}
}

// server is the Vigie binary serving work on one loopback port.
type server struct {
	binary, work string
	addr         string
	cmd          *exec.Cmd
}

// start serves work, on the same port as before if it was started already,
// waits for health, then until the server is idle.
func (s *server) start() {
	if s.addr == "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		must(err)
		s.addr = ln.Addr().String()
		ln.Close()
	}
	out, err := os.OpenFile(filepath.Join(s.work, "serve.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	must(err)
	s.cmd = exec.Command(s.binary, "serve", "--http", s.addr, "--dir", s.work)
	s.cmd.Stdout, s.cmd.Stderr = out, out
	// The server does not outlive the benchmark, however it ends.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	must(s.cmd.Start())
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		res, err := http.Get(s.base() + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(start) > 2*time.Minute {
			logs, _ := os.ReadFile(filepath.Join(s.work, "serve.log"))
			fatal(fmt.Errorf("server not healthy after 2 minutes: %s", logs))
		}
	}
	settle(s.cmd.Process.Pid)
	log.Printf("serving %s on %s (pid %d)", s.work, s.addr, s.cmd.Process.Pid)
}

func loadAverage() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.Join(strings.Fields(string(b))[:min(3, len(strings.Fields(string(b))))], " ")
}

func (s *server) base() string { return "http://" + s.addr }

// stop kills the server: a request it still runs may take many seconds.
func (s *server) stop() {
	if s.cmd == nil || s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

// cpuTicks is the server's CPU time so far, in clock ticks.
func cpuTicks(pid int) int {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// Fields after the command's closing parenthesis; utime and stime
	// are the 14th and 15th of the line.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	utime, _ := strconv.Atoi(fields[11])
	stime, _ := strconv.Atoi(fields[12])
	return utime + stime
}

// settle waits, at most a minute, until the server is idle: what it does
// when it starts would slow the first calls.
func settle(pid int) {
	for start := time.Now(); time.Since(start) < time.Minute; {
		before := cpuTicks(pid)
		time.Sleep(500 * time.Millisecond)
		if cpuTicks(pid)-before <= 5 { // under 10% of a core
			return
		}
	}
}

func run(name string, args ...string) {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		fatal(fmt.Errorf("%s: %v\n%s", name, err, out))
	}
}

var cleanups []func()

// atExit runs fn when the benchmark ends, even on a fatal error.
func atExit(fn func()) { cleanups = append(cleanups, fn) }

func exit(code int) {
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	os.Exit(code)
}

func onSignal() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-c
		log.Print("interrupted")
		exit(2)
	}()
}

func fatal(err error) {
	log.Print(err)
	exit(2)
}

func must(err error) {
	if err != nil {
		fatal(err)
	}
}
