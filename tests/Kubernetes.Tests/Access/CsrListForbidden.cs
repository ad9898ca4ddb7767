using System.Net;
using System.Text;

namespace OrleansAttest.Kubernetes.Tests.Access;

/// <summary>
/// A client-side handler that answers a list of CertificateSigningRequests with the API server's 403 Status while
/// <see cref="Forbidden"/> is set — what a ServiceAccount whose RBAC lacks that permission gets.
/// </summary>
public sealed class CsrListForbidden : DelegatingHandler
{
    public bool Forbidden { get; set; } = true;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Forbidden && request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath == "/apis/certificates.k8s.io/v1/certificatesigningrequests")
        {
            const string status = """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"certificatesigningrequests.certificates.k8s.io is forbidden","reason":"Forbidden","code":403}""";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent(status, Encoding.UTF8, "application/json"), RequestMessage = request });
        }
        return base.SendAsync(request, cancellationToken);
    }
}
