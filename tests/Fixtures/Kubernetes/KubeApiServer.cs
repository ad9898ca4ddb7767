using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// An API-compatible Kubernetes test server on a real loopback port over HTTPS with bearer-token auth
/// (tests/Fixtures/Kubernetes/README.md lists what it serves). Driven by the real kubectl, helm and
/// KubernetesClient through <see cref="Kubeconfig"/>. Test hooks: <see cref="Down"/>,
/// <see cref="DropAllWatches"/>, <see cref="KubeStore.CompactHistory"/>.
/// </summary>
public sealed class KubeApiServer : IAsyncDisposable
{
    private readonly KubeCertificates certificates;
    private readonly ConcurrentQueue<string> requests = new();
    private readonly KubeApiEndpoint endpoint;
    private readonly SemaphoreSlim lifecycle = new(1, 1);
    private WebApplication? app;

    private KubeApiServer(KubeCertificates certificates, KubeStore store, KubeTypeRegistry registry, KubeApiServerOptions options, TimeProvider time)
    {
        this.certificates = certificates;
        Store = store;
        Registry = registry;
        Options = options;
        endpoint = new KubeApiEndpoint(store, registry, new KubeResourceHandler(store, registry, time),
            new KubeWatchStream(store, options), options, time, () => Url.Authority);
    }

    public KubeStore Store { get; }
    public KubeTypeRegistry Registry { get; }
    public KubeApiServerOptions Options { get; }
    public Uri Url { get; private set; } = null!;
    public string CaCertificatePem => certificates.CaPem;
    /// <summary>Test hook: while true every request gets 503 ServiceUnavailable and open watches are dropped.</summary>
    public bool Down
    {
        get;
        set
        {
            field = value;
            if (value)
                Store.DropAllWatches();
        }
    }
    /// <summary>Whether the port is listening (false after <see cref="StopListeningAsync"/>).</summary>
    public bool Listening => app is not null;
    /// <summary>The last requests, "METHOD path?query", newest last (what kubectl asked for).</summary>
    public IReadOnlyList<string> RecentRequests => requests.ToArray();
    /// <summary>Test hook: called after each request is answered (not for 503s of <see cref="Down"/>), with a
    /// timestamp on this process's Stopwatch clock; benchmarks time the writes a silo makes. Must not block.</summary>
    public event Action<KubeCompletedRequest>? RequestCompleted;

    public static async Task<KubeApiServer> StartAsync(KubeApiServerOptions? options = null, TimeProvider? time = null)
    {
        options ??= new KubeApiServerOptions();
        var store = new KubeStore(options);
        var server = new KubeApiServer(new KubeCertificates(), store, new KubeTypeRegistry(), options, time ?? TimeProvider.System);
        await server.ListenAsync(port: 0);
        server.Seed();
        return server;
    }

    /// <summary>Test hook: closes the port (connections are refused) and every watch; the stored state stays.</summary>
    public async Task StopListeningAsync()
    {
        await lifecycle.WaitAsync();
        try
        {
            if (app is null)
                return;
            Store.DropAllWatches();
            await app.StopAsync();
            await app.DisposeAsync();
            app = null;
        }
        finally
        {
            lifecycle.Release();
        }
    }

    /// <summary>Test hook: listens again on the same port, with the same CA, token and state.</summary>
    public async Task ResumeListeningAsync()
    {
        if (app is null)
            await ListenAsync(Url.Port);
    }

    private async Task ListenAsync(int port)
    {
        await lifecycle.WaitAsync();
        try
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Limits.MaxRequestBodySize = null; // the endpoint enforces its own limit with a Status answer
                kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(certificates.Server));
            });
            var started = builder.Build();
            started.Run(context => HandleAsync(context, endpoint));
            await started.StartAsync();
            var address = started.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            Url = new Uri(address.Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));
            app = started;
        }
        finally
        {
            lifecycle.Release();
        }
    }

    /// <summary>Ends every open watch stream; returns how many there were.</summary>
    public int DropAllWatches() => Store.DropAllWatches();

    /// <summary>A kubeconfig (context "test") with the server URL, the CA and the bearer token.</summary>
    public string Kubeconfig(string token = "") => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: {Url.ToString().TrimEnd('/')}
            certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(CaCertificatePem))}
        users:
        - name: test
          user:
            token: {(token.Length > 0 ? token : Options.Token)}
        contexts:
        - name: test
          context:
            cluster: test
            user: test
        current-context: test
        """;

    public async Task<string> WriteKubeconfigAsync(string path)
    {
        await File.WriteAllTextAsync(path, Kubeconfig());
        return path;
    }

    private async Task HandleAsync(HttpContext context, KubeApiEndpoint api)
    {
        requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
        while (requests.Count > 500)
            requests.TryDequeue(out _);
        if (Down)
        {
            await KubeApiEndpoint.WriteAsync(context, 503, KubeStatus.Failure(503, "ServiceUnavailable", "the test API server is down (test hook)"));
            return;
        }
        string path = context.Request.Path.Value ?? "";
        bool open = path is "/version" or "/healthz" or "/readyz" or "/livez";
        string authorization = context.Request.Headers.Authorization.ToString();
        if (!open && authorization != "Bearer " + Options.Token)
        {
            await KubeApiEndpoint.WriteAsync(context, 401, KubeStatus.Failure(401, "Unauthorized", "Unauthorized"));
            return;
        }
        await api.HandleAsync(context);
        if (RequestCompleted is { } completed)
            completed(new KubeCompletedRequest(context.Request.Method, path, context.Response.StatusCode,
                context.Items[KubeApiEndpoint.ResponseItem] as JsonObject, System.Diagnostics.Stopwatch.GetTimestamp()));
    }

    // The namespaces every cluster has.
    private void Seed()
    {
        var handler = new KubeResourceHandler(Store, Registry, TimeProvider.System);
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
            handler.Create(new KubeRequestTarget(KubeBuiltinTypes.Namespaces, "", null, null),
                new JsonObject
                {
                    ["metadata"] = new JsonObject { ["name"] = ns },
                    ["status"] = new JsonObject { ["phase"] = "Active" },
                }, dryRun: false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopListeningAsync();
        certificates.Dispose();
    }
}
