using System.Net;
using System.Net.Sockets;

namespace OrleansAttest.Fixtures.Cluster;

/// <summary>Free loopback TCP ports for servers a test starts (the OS picks; the port is free a moment later with high likelihood).</summary>
public static class FreeTcpPort
{
    private static readonly HashSet<int> Handed = [];

    /// <summary>A port no other caller in this process got before and that nobody listens on right now.</summary>
    public static int Next()
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Handed)
            {
                if (Handed.Add(port))
                    return port;
            }
        }
        throw new InvalidOperationException("no free TCP port on 127.0.0.1 after 100 attempts");
    }
}
