using System.Globalization;

namespace OrleansAttest.Tpm.Device.Transport;

/// <summary>
/// Opens a transport from its text form: "device:/dev/tpmrm0" or "swtpm:HOST:PORT" (the swtpm connection is released
/// when idle, so tpm2-tools can reach the same simulator while an agent runs).
/// </summary>
public static class TpmTransports
{
    public static ITpmTransport Open(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        int colon = uri.IndexOf(':');
        if (colon <= 0)
            throw new ArgumentException($"TPM address '{uri}' must be \"device:/dev/tpmrm0\" or \"swtpm:HOST:PORT\"", nameof(uri));
        var scheme = uri[..colon];
        var rest = uri[(colon + 1)..];
        return scheme switch
        {
            "device" => OpenDevice(uri, rest),
            "swtpm" => OpenSwtpm(uri, rest),
            _ => throw new ArgumentException($"TPM address '{uri}' has unknown kind '{scheme}' (expected \"device\" or \"swtpm\")", nameof(uri)),
        };
    }

    private static DeviceTransport OpenDevice(string uri, string path)
    {
        if (path.Length == 0 || !path.StartsWith('/'))
            throw new ArgumentException($"TPM address '{uri}' needs an absolute device path, e.g. device:/dev/tpmrm0", nameof(uri));
        return new DeviceTransport(path);
    }

    private static SwtpmTransport OpenSwtpm(string uri, string hostAndPort)
    {
        // The port follows the last colon, so "[::1]:2321" works too.
        int colon = hostAndPort.LastIndexOf(':');
        if (colon <= 0)
            throw new ArgumentException($"TPM address '{uri}' needs a host and a port, e.g. swtpm:127.0.0.1:2321", nameof(uri));
        var host = hostAndPort[..colon].Trim('[', ']');
        var portText = hostAndPort[(colon + 1)..];
        if (host.Length == 0)
            throw new ArgumentException($"TPM address '{uri}' has an empty host", nameof(uri));
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new ArgumentException($"TPM address '{uri}' has port '{portText}', which is not a number from 1 to 65535", nameof(uri));
        return new SwtpmTransport(host, port, idleRelease: SwtpmTransport.DefaultIdleRelease);
    }
}
