package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// logger writes klog-style lines, e.g.
//
//	I0910 18:30:01.123456    4242 main.go:64] FLAG: --etcd-cafile="/x"
//
// so the lab's service log reads like a real kube-apiserver journal and
// runbooks can grep it the same way. It is safe for concurrent use.
type logger struct {
	mu  sync.Mutex
	w   io.Writer
	pid int
	now func() time.Time
}

// newLogger returns a logger writing to w, stamped with this process's pid.
func newLogger(w io.Writer) *logger {
	return &logger{w: w, pid: os.Getpid(), now: time.Now}
}

// Infof logs at severity I.
func (l *logger) Infof(format string, args ...any) { l.output('I', format, args...) }

// Errorf logs at severity E.
func (l *logger) Errorf(format string, args ...any) { l.output('E', format, args...) }

// Fatalf logs at severity F; the caller then exits non-zero.
func (l *logger) Fatalf(format string, args ...any) { l.output('F', format, args...) }

func (l *logger) output(severity byte, format string, args ...any) {
	file, line := "???", 0
	if _, path, n, ok := runtime.Caller(2); ok {
		file, line = filepath.Base(path), n
	}
	t := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "%c%02d%02d %02d:%02d:%02d.%06d %7d %s:%d] %s\n",
		severity, int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(),
		t.Nanosecond()/1000, l.pid, file, line, fmt.Sprintf(format, args...))
}
