package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// cluster is what the load talks to: one satchel process, or several on
// the same database behind a round-robin reverse proxy (-nodes N), each a
// process of its own, as a load balancer would front a fleet.
type cluster struct {
	nodes []*process
	proxy *process // nil with one node
	base  string   // where the load goes
}

// startCluster starts n satchel processes on dataDir, one after another
// (so only the first could have migrations to apply), and, for more than
// one, the proxy in front of them. env (the database URL and the shared
// session secret, with -db) goes to every process.
func startCluster(ctx context.Context, bin, dataDir, logLevel string, n int, env ...string) (*cluster, error) {
	c := &cluster{}
	for range n {
		p, err := startSatchel(ctx, bin, dataDir, logLevel, env...)
		if err != nil {
			c.stop()
			return nil, err
		}
		c.nodes = append(c.nodes, p)
	}
	c.base = c.nodes[0].base
	if n == 1 {
		return c, nil
	}
	backends := make([]string, n)
	for i, p := range c.nodes {
		backends[i] = p.base
	}
	proxy, err := startProxy(ctx, backends)
	if err != nil {
		c.stop()
		return nil, err
	}
	c.proxy, c.base = proxy, proxy.base
	return c, nil
}

func (c *cluster) stop() {
	if c.proxy != nil {
		c.proxy.stop()
	}
	for _, p := range c.nodes {
		p.stop()
	}
}

// log is the tail of every process's log, for an error message.
func (c *cluster) log() string {
	var b strings.Builder
	for i, p := range c.nodes {
		fmt.Fprintf(&b, "--- satchel %d (%s)\n%s", i+1, p.base, p.log.String())
	}
	if c.proxy != nil {
		fmt.Fprintf(&b, "--- proxy\n%s", c.proxy.log.String())
	}
	return b.String()
}

// describe says what serves the load, for the report.
func (c *cluster) describe() string {
	if len(c.nodes) == 1 {
		return "one satchel process"
	}
	return fmt.Sprintf("%d satchel processes behind a round-robin proxy", len(c.nodes))
}

// startProxy runs this program again as the reverse proxy (-serve-proxy),
// so that it is a process of its own like a real load balancer.
func startProxy(ctx context.Context, backends []string) (*process, error) {
	p, addr, err := startChild(ctx, "proxy", "-serve-proxy", strings.Join(backends, ","))
	if err != nil {
		return nil, err
	}
	// The base keeps the host name "localhost" the processes' base URL
	// uses, so cookies and links match whichever process answers.
	_, port, _ := net.SplitHostPort(addr)
	p.base = "http://localhost:" + port
	return p, nil
}

// runProxyServer forwards requests to the backends in turn on a loopback
// port, writes "listening ADDR" to out, and stops when in reaches EOF or
// after half an hour.
func runProxyServer(list string, in io.Reader, out io.Writer) error {
	var targets []*url.URL
	for _, b := range strings.Split(list, ",") {
		u, err := url.Parse(b)
		if err != nil || u.Host == "" {
			return fmt.Errorf("proxy: bad backend %q", b)
		}
		targets = append(targets, u)
	}
	var next atomic.Uint64
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			t := targets[next.Add(1)%uint64(len(targets))]
			r.SetURL(t)
			r.Out.Host = r.In.Host // the processes see the address the client used
			r.SetXForwarded()
		},
		Transport: &http.Transport{MaxIdleConns: 2048, MaxIdleConnsPerHost: 1024, IdleConnTimeout: time.Minute},
	}
	return serveChild(rp, 30*time.Minute, in, out)
}
