// verify-cpu measures the Go aws-iam-authenticator's token verification CPU per token with no network: the
// verifier's http.Client uses http.DefaultTransport, which is replaced by an in-process RoundTripper returning a
// canned GetCallerIdentity JSON reply. What is timed per op: pkg/token Verify (size/prefix checks, base64 and URL
// parsing, host allow-list, query checks, date/expiry, building the http.Request, the client round trip through the
// canned transport, reading and unmarshalling the JSON reply, identity derivation).
//
// Usage: verify-cpu TOKENS_FILE CLUSTER_ID ROUNDS MIN_MS  — prints one JSON line per round: {"nsPerOp":N,"ops":N},
// nsPerOp being CPU time (user + system) per verification.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"sigs.k8s.io/aws-iam-authenticator/pkg/token"
)

const cannedReply = `{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"123456789012",` +
	`"Arn":"arn:aws:iam::123456789012:user/bench","UserId":"AIDACKCEVSQ6C2EXAMPLE"},` +
	`"ResponseMetadata":{"RequestId":"01234567-89ab-cdef-0123-456789abcdef"}}}`

type cannedSTS struct{}

func (cannedSTS) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: 200,
		Header:     http.Header{"Content-Type": []string{"application/json"}},
		Body:       io.NopCloser(strings.NewReader(cannedReply)),
		Request:    req,
	}, nil
}

// cpuNs is the process's user + system CPU time (all threads, GC included), less sensitive than wall time to other load.
func cpuNs() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: verify-cpu TOKENS_FILE CLUSTER_ID ROUNDS MIN_MS")
		os.Exit(2)
	}
	http.DefaultTransport = cannedSTS{}
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	var tokens []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 64*1024)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			tokens = append(tokens, line)
		}
	}
	rounds, _ := strconv.Atoi(os.Args[3])
	minMs, _ := strconv.Atoi(os.Args[4])
	v := token.NewVerifier(os.Args[2], "aws", "us-east-1")
	// Warm-up, and a correctness check: every token must verify.
	for _, t := range tokens {
		if _, err := v.Verify(t); err != nil {
			fmt.Fprintln(os.Stderr, "verify failed:", err)
			os.Exit(1)
		}
	}
	out := json.NewEncoder(os.Stdout)
	for r := 0; r < rounds; r++ {
		ops := 0
		start := time.Now()
		cpuStart := cpuNs()
		for time.Since(start) < time.Duration(minMs)*time.Millisecond {
			for _, t := range tokens {
				if _, err := v.Verify(t); err != nil {
					panic(err)
				}
			}
			ops += len(tokens)
		}
		_ = out.Encode(map[string]float64{"nsPerOp": float64(cpuNs()-cpuStart) / float64(ops), "ops": float64(ops)})
	}
}
