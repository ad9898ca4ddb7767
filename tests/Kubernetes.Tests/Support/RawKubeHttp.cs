using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using OrleansAttest.Fixtures.Kubernetes;

namespace OrleansAttest.Kubernetes.Tests.Support;

/// <summary>A plain HttpClient that trusts only the test server's CA and sends its token: for raw, malformed requests.</summary>
public static class RawKubeHttp
{
    public static HttpClient Create(KubeApiServer server)
    {
        var ca = X509Certificate2.CreateFromPem(server.CaCertificatePem);
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null)
                    return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            },
        };
        var client = new HttpClient(handler) { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Options.Token);
        return client;
    }

    public static HttpContent Body(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }
}
