using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Gateway.Tls;
using OrleansAttest.Grains.Hosting;
using OrleansAttest.Grains.Listing;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Fixtures.Cluster.Admin;

/// <summary>
/// One embedded-Garnet silo with the attestation grains (as the product registers them) plus the admin API in front of
/// it on a real HTTPS port, and an <see cref="HttpClient"/> that trusts the development CA and sends the token.
/// </summary>
public sealed class AdminApiCluster : IAsyncDisposable
{
    private AdminApiCluster(AttestCluster cluster, AdminApiHost host, string tlsDirectory, string token)
    {
        Cluster = cluster;
        Host = host;
        TlsDirectory = tlsDirectory;
        Token = token;
        Client = NewClient(token);
    }

    public AttestCluster Cluster { get; }

    public IGrainFactory Factory => Cluster.GrainFactory;

    public AdminApiHost Host { get; }

    public string TlsDirectory { get; }

    public string CaPath => Path.Combine(TlsDirectory, DevelopmentCertificateAuthority.CaFileName);

    public string Token { get; }

    /// <summary>Sends the right token; base address is the API's root.</summary>
    public HttpClient Client { get; }

    public static async Task<AdminApiCluster> StartAsync()
    {
        var tls = TestDirectory.Create("admin-tls");
        DevelopmentCertificateAuthority.EnsureCreated(tls);
        var cluster = await AttestCluster.StartAsync(new AttestClusterOptions
        {
            Storage = TestStorage.Embedded(TestDirectory.Create("admin-silo")),
            ConfigureSilo = silo =>
            {
                silo.Services.AddAttestationGrains();
                silo.Services.AddRedisAuditLog();
                silo.Services.Configure<NodeDirectoryOptions>(o => o.FlushInterval = TimeSpan.FromMilliseconds(200));
            },
        });
        var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        try
        {
            var host = await AdminApiHost.StartAsync(cluster.GrainFactory, tls, o => o.Token = token);
            return new AdminApiCluster(cluster, host, tls, token);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of the API sending <paramref name="token"/> (null: no Authorization header).</summary>
    public HttpClient NewClient(string? token)
    {
        var client = new HttpClient(CaTrustHandler.Create(CaPath)) { BaseAddress = Host.Address, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await Cluster.DisposeAsync();
        TestDirectory.TryDelete(TlsDirectory);
    }
}
