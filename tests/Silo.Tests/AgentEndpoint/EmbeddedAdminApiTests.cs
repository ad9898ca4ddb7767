using System.Net;
using System.Net.Http.Headers;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Fixtures.Cluster.Admin;

namespace OrleansAttest.Silo.Tests.AgentEndpoint;

/// <summary>The silo process as a user runs it serves the admin API beside the agent endpoint, behind a token it generates.</summary>
public sealed class EmbeddedAdminApiTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _workingDirectory = TestDirectory.Create("silo-admin");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Without_a_configured_token_the_embedded_silo_generates_one_and_the_API_requires_it()
    {
        var data = Path.Combine(_workingDirectory, "data");
        var adminPort = FreeTcpPort.Next();
        await using var silo = SiloProcess.Start(_workingDirectory, new Dictionary<string, string>
        {
            ["OrleansAttest__Storage__DataDirectory"] = data,
            ["OrleansAttest__Dashboard__Enabled"] = "false",
            ["OrleansAttest__Admin__Port"] = adminPort.ToString(),
            ["OrleansAttest__Admin__Token"] = "",
        });
        await silo.WaitUntilReadyAsync(_http, Timeout);

        var tokenFile = Path.Combine(data, "admin-token");
        Assert.True(File.Exists(tokenFile), silo.Output);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        var token = (await File.ReadAllTextAsync(tokenFile, TestContext.Current.CancellationToken)).Trim();

        using var admin = new HttpClient(CaTrustHandler.Create(Path.Combine(data, "tls", "gateway-ca.crt")))
        {
            BaseAddress = new Uri($"https://127.0.0.1:{adminPort}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        using (var anonymous = await admin.GetAsync("/api/v1/nodes", TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/nodes");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var listed = await admin.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
    }

    [Theory]
    [InlineData("OrleansAttest__Admin__Token", "short", "admin-token-too-short")]
    [InlineData("OrleansAttest__Admin__ListenAddress", "not-an-ip", "admin-listen-address-invalid")]
    public async Task Invalid_admin_configuration_stops_the_process_at_startup(string key, string value, string expected)
    {
        await using var silo = SiloProcess.Start(_workingDirectory, new Dictionary<string, string>
        {
            ["OrleansAttest__Storage__DataDirectory"] = Path.Combine(_workingDirectory, "invalid"),
            [key] = value,
        });
        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the process kept running:\n{silo.Output}");
        Assert.Equal(2, silo.ExitCode);
        Assert.Contains(expected, silo.Output);
    }

    [Fact]
    public async Task The_admin_port_may_not_be_the_agent_port()
    {
        var port = FreeTcpPort.Next();
        await using var silo = SiloProcess.Start(_workingDirectory, new Dictionary<string, string>
        {
            ["OrleansAttest__Storage__DataDirectory"] = Path.Combine(_workingDirectory, "conflict"),
            ["OrleansAttest__Gateway__Port"] = port.ToString(),
            ["OrleansAttest__Admin__Port"] = port.ToString(),
        });
        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the process kept running:\n{silo.Output}");
        Assert.Equal(2, silo.ExitCode);
        Assert.Contains($"admin-port-conflict: OrleansAttest:Admin:Port {port}", silo.Output);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        TestDirectory.TryDelete(_workingDirectory);
        return ValueTask.CompletedTask;
    }
}
