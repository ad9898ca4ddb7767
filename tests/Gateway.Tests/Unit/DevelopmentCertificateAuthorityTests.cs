using System.Security.Cryptography.X509Certificates;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Gateway.Tls;

namespace OrleansAttest.Gateway.Tests.Unit;

public sealed class DevelopmentCertificateAuthorityTests
{
    [Fact]
    public void The_development_CA_is_made_once_and_its_server_certificate_chains_to_it_for_the_configured_names()
    {
        var directory = TestDirectory.Create("dev-ca");
        try
        {
            var paths = DevelopmentCertificateAuthority.EnsureCreated(directory, ["gateway.example", "10.1.2.3"]);
            var caPem = File.ReadAllText(paths.CaCertificatePath);
            Assert.Equal(paths, DevelopmentCertificateAuthority.EnsureCreated(directory));
            Assert.Equal(caPem, File.ReadAllText(paths.CaCertificatePath)); // the second start keeps the CA agents trust

            using var server = X509Certificate2.CreateFromPemFile(paths.CertificatePath, paths.KeyPath);
            using var ca = X509Certificate2.CreateFromPem(caPem);
            Assert.True(server.HasPrivateKey);
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            Assert.True(chain.Build(server), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
            Assert.True(server.MatchesHostname("gateway.example"));
            Assert.True(server.MatchesHostname("localhost"));
            Assert.True(server.MatchesHostname("10.1.2.3"));
            Assert.False(server.MatchesHostname("other.example"));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(paths.KeyPath));
        }
        finally
        {
            TestDirectory.TryDelete(directory);
        }
    }
}
