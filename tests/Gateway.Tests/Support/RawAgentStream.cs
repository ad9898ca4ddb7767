using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using OrleansAttest.Protocol.V1;

namespace OrleansAttest.Gateway.Tests.Support;

/// <summary>Talks to the gateway below the agent: a generated client (for impostors) or raw gRPC frames over HTTP/2 (for garbage).</summary>
public static class RawAgentStream
{
    public static SocketsHttpHandler Handler(string caPath)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caPath);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = new X509Certificate2(certificate);
            return chain.Build(leaf);
        };
        return handler;
    }

    public static GrpcChannel Channel(Uri gateway, string caPath) =>
        GrpcChannel.ForAddress(gateway, new GrpcChannelOptions { HttpHandler = Handler(caPath), DisposeHttpClient = true });

    /// <summary>Posts <paramref name="payload"/> as one gRPC frame (any bytes) and returns the gateway's answer messages.</summary>
    public static async Task<IReadOnlyList<GatewayMessage>> SendFrameAsync(Uri gateway, string caPath, byte[] payload)
    {
        using var http = new HttpClient(Handler(caPath)) { Timeout = TimeSpan.FromSeconds(60) };
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "/orleansattest.agent.v1.AgentGateway/Connect"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        var messages = new List<GatewayMessage>();
        for (int at = 0; at + 5 <= body.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(at + 1));
            messages.Add(GatewayMessage.Parser.ParseFrom(body.AsSpan(at + 5, length)));
            at += 5 + length;
        }
        return messages;
    }
}
