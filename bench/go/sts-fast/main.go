// A fast STS stand-in for the webhook benchmark: Go standard-library HTTPS with keep-alive, answering every
// presigned GetCallerIdentity GET with a canned reply keyed by the access key id in X-Amz-Credential, so the
// benchmark measures the authenticators and not the stand-in. It does NOT check signatures (the moto-backed
// stand-in of test/fixtures does; this one is for throughput only). It counts the TLS connections it accepts
// (http.Server.ConnState StateNew), served with the request count as JSON on a plain-HTTP stats listener.
//
// Protocol: HTTP/1.1 only by default — what STS, a query-protocol API, is taken to negotiate (aws/aws-sdk-go#2984
// lists the us-east-1 endpoints that offer h2: newer REST services; DynamoDB, like STS a query-era API, stays on
// HTTP/1.1). `-h2` offers h2 by ALPN as well, the labelled variant: net/http's ServeTLS does that by default, and Go's
// client then multiplexes every call over one connection. With h2 off, TLSNextProto is an empty map and the TLS
// config offers only "http/1.1" (net/http docs, Server.TLSNextProto: "a non-nil, empty map disables HTTP/2").
//
// Reply shape: the GetCallerIdentity JSON answer as aws-iam-authenticator v0.7.10 parses it
// (pkg/token/token.go, getCallerIdentityWrapper), with Arn arn:aws:iam::ACCOUNT:user/<access key id>.
package main

import (
	"crypto/tls"
	"encoding/json"
	"flag"
	"log"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:443", "HTTPS listen address")
	statsAddr := flag.String("stats", "127.0.0.1:0", "plain-HTTP stats listen address (GET /stats)")
	cert := flag.String("cert", "", "server certificate (PEM)")
	key := flag.String("key", "", "server key (PEM)")
	account := flag.String("account", "123456789012", "account of every identity")
	h2 := flag.Bool("h2", false, "offer h2 by ALPN as well as http/1.1 (default: http/1.1 only)")
	flag.Parse()

	var accepts, requests, rejected atomic.Int64
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		q := r.URL.Query()
		credential := q.Get("X-Amz-Credential")
		akid, _, _ := strings.Cut(credential, "/")
		if q.Get("Action") != "GetCallerIdentity" || akid == "" || r.Header.Get("x-k8s-aws-id") == "" {
			rejected.Add(1)
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"` + *account +
			`","Arn":"arn:aws:iam::` + *account + `:user/` + akid + `","UserId":"AIDA` + akid + `"},` +
			`"ResponseMetadata":{"RequestId":"01234567-89ab-cdef-0123-456789abcdef"}}}`))
	})
	server := &http.Server{
		Addr:    *addr,
		Handler: handler,
		ConnState: func(_ net.Conn, state http.ConnState) {
			if state == http.StateNew {
				accepts.Add(1)
			}
		},
	}
	if !*h2 {
		server.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
		server.TLSConfig = &tls.Config{NextProtos: []string{"http/1.1"}}
	}
	statsListener, err := net.Listen("tcp", *statsAddr)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		log.Fatal(http.Serve(statsListener, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_ = json.NewEncoder(w).Encode(map[string]int64{"accepts": accepts.Load(), "requests": requests.Load(), "rejected": rejected.Load()})
		})))
	}()
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	// The readiness line the benchmark waits for: both addresses, once both listen.
	log.Printf("listening https=%s stats=%s h2=%t", listener.Addr(), statsListener.Addr(), *h2)
	log.Fatal(server.ServeTLS(listener, *cert, *key))
}
