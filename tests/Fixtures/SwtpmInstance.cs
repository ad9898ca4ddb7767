using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrleansAttest.Fixtures;

/// <summary>
/// A real TPM 2.0 emulator for one test: its own state directory, its own local EK CA (made by
/// <c>swtpm_setup --create-ek-cert</c>), free TCP ports. Manufactured like ../shared/vectors: RSA-2048 EK at
/// 0x81010001 with certificate in NV 0x01c00002, ECC P-384 EK at 0x81010016, banks sha1 + sha256, NV locked.
/// </summary>
public sealed class SwtpmInstance : IAsyncDisposable
{
    private Process? _process;

    private SwtpmInstance(string directory)
    {
        Directory = directory;
    }

    /// <summary>Root of this instance's files: state/, ca/, ek/.</summary>
    public string Directory { get; }
    public string StateDirectory => Path.Combine(Directory, "state");
    public string CaDirectory => Path.Combine(Directory, "ca");

    /// <summary>The local CA that issued the EK certificate: intermediate ("issuer") and root.</summary>
    public string IssuerCertificatePath => Path.Combine(CaDirectory, "issuercert.pem");
    public string RootCertificatePath => Path.Combine(CaDirectory, "swtpm-localca-rootca-cert.pem");

    /// <summary>The RSA EK certificate as swtpm_setup wrote it (DER) — the same bytes as NV 0x01c00002.</summary>
    public string EkCertificatePath => Path.Combine(Directory, "ek", "ek-rsa2048.crt");

    public int Port { get; private set; }
    public int ControlPort { get; private set; }

    /// <summary>"swtpm:127.0.0.1:PORT", the form our TPM transports and CLIs take.</summary>
    public string TpmUri => $"swtpm:127.0.0.1:{Port}";

    /// <summary>The TCTI string for tpm2-tools (TPM2TOOLS_TCTI).</summary>
    public string Tcti => $"swtpm:host=127.0.0.1,port={Port}";

    public static bool IsInstalled => File.Exists("/usr/bin/swtpm") && File.Exists("/usr/bin/swtpm_setup");

    /// <summary>Manufactures a fresh TPM and starts it. PCRs start at zero.</summary>
    public static async Task<SwtpmInstance> StartAsync(CancellationToken cancellationToken = default)
    {
        if (!IsInstalled)
            throw new InvalidOperationException("swtpm is not installed: run ./scripts/test.sh, which installs swtpm swtpm-tools tpm2-tools");
        var dir = Path.Combine(Path.GetTempPath(), "orleansattest-swtpm-" + Guid.NewGuid().ToString("N")[..12]);
        var instance = new SwtpmInstance(dir);
        await instance.ManufactureAsync(cancellationToken);
        await instance.StartProcessAsync(cancellationToken);
        return instance;
    }

    /// <summary>Stops and starts the emulator on the same state: a reboot (PCRs reset, transient objects gone).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopProcessAsync();
        await StartProcessAsync(cancellationToken);
    }

    /// <summary>Runs a tpm2-tools command against this TPM and returns its stdout; throws with stderr on failure.</summary>
    public async Task<string> RunToolAsync(string tool, params string[] arguments)
    {
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync(tool, arguments, Directory,
            new Dictionary<string, string> { ["TPM2TOOLS_TCTI"] = Tcti });
        if (exit != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited {exit}: {stderr.Trim()}");
        return stdout;
    }

    /// <summary>Like <see cref="RunToolAsync"/> but returns the exit code instead of throwing.</summary>
    public Task<(int ExitCode, string StdOut, string StdErr)> TryRunToolAsync(string tool, params string[] arguments) =>
        ProcessRunner.RunAsync(tool, arguments, Directory, new Dictionary<string, string> { ["TPM2TOOLS_TCTI"] = Tcti });

    /// <summary>tpm2-tools leave transient objects and sessions behind; swtpm has 3 slots and no resource manager.</summary>
    public async Task FlushAllAsync()
    {
        await TryRunToolAsync("tpm2_flushcontext", "-t");
        await TryRunToolAsync("tpm2_flushcontext", "-l");
        await TryRunToolAsync("tpm2_flushcontext", "-s");
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private async Task ManufactureAsync(CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(StateDirectory);
        System.IO.Directory.CreateDirectory(CaDirectory);
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "ek"));
        var localCaConfig = Path.Combine(CaDirectory, "localca.conf");
        var localCaOptions = Path.Combine(CaDirectory, "localca.options");
        var setupConfig = Path.Combine(Directory, "swtpm_setup.conf");
        await File.WriteAllTextAsync(localCaConfig,
            $"statedir = {CaDirectory}\nsigningkey = {CaDirectory}/signkey.pem\nissuercert = {IssuerCertificatePath}\ncertserial = {CaDirectory}/certserial\n",
            cancellationToken);
        await File.WriteAllTextAsync(localCaOptions,
            "--platform-manufacturer OrleansAttest\n--platform-version 2.1\n--platform-model swtpm\n", cancellationToken);
        await File.WriteAllTextAsync(setupConfig,
            $"create_certs_tool = /usr/bin/swtpm_localca\ncreate_certs_tool_config = {localCaConfig}\ncreate_certs_tool_options = {localCaOptions}\nactive_pcr_banks = sha256\n",
            cancellationToken);
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync("swtpm_setup",
        [
            "--tpm2", "--tpmstate", StateDirectory, "--config", setupConfig,
            "--create-ek-cert", "--create-platform-cert", "--lock-nvram", "--pcr-banks", "sha1,sha256",
            "--write-ek-cert-files", Path.Combine(Directory, "ek"),
        ], Directory);
        if (exit != 0)
            throw new InvalidOperationException($"swtpm_setup failed ({exit}): {stdout}\n{stderr}");
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            (Port, ControlPort) = FreePortPair();
            var start = new ProcessStartInfo("swtpm")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[]
            {
                "socket", "--tpm2",
                "--server", $"type=tcp,port={Port},bindaddr=127.0.0.1",
                "--ctrl", $"type=tcp,port={ControlPort},bindaddr=127.0.0.1",
                "--tpmstate", $"dir={StateDirectory}",
                "--flags", "not-need-init,startup-clear",
            })
                start.ArgumentList.Add(argument);
            _process = Process.Start(start) ?? throw new InvalidOperationException("could not start swtpm");
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            if (await WaitForPortAsync(Port, TimeSpan.FromSeconds(10), cancellationToken))
                return;
            await StopProcessAsync();
            if (attempt >= 3)
                throw new InvalidOperationException($"swtpm did not listen on port {Port}");
        }
    }

    private async Task StopProcessAsync()
    {
        if (_process is null)
            return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        _process = null;
    }

    private async Task<bool> WaitForPortAsync(int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process is { HasExited: true })
                return false;
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return true; // swtpm serves one client at a time and takes the next after this one closes.
            }
            catch (SocketException)
            {
                await Task.Delay(25, cancellationToken);
            }
        }
        return false;
    }

    /// <summary>Two consecutive free ports (swtpm convention: data P, control P+1).</summary>
    private static (int, int) FreePortPair()
    {
        for (int i = 0; i < 50; i++)
        {
            using var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            int port = ((IPEndPoint)first.LocalEndpoint).Port;
            if (port >= 65535)
                continue;
            try
            {
                using var second = new TcpListener(IPAddress.Loopback, port + 1);
                second.Start();
                return (port, port + 1);
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free pair of TCP ports on 127.0.0.1");
    }
}
