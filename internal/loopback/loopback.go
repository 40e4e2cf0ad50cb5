package loopback

import "net"

// Host reports whether host is "localhost" or a loopback IP address (127.0.0.0/8,
// ::1). An empty host, which means every interface to a listener, is not.
func Host(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
