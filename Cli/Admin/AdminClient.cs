using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansAttest.Cli.Commands;

namespace OrleansAttest.Cli.Admin;

/// <summary>
/// Calls the admin API and sorts its answers into attestctl's exit codes: a refusal (problem+json 4xx) is exit 1 with
/// its reason code and sentence; an unreachable server, a refused token (401) or an unavailable cluster (5xx) is exit 2.
/// </summary>
public sealed class AdminClient(Uri server, string token, HttpMessageHandler handler) : IDisposable
{
    private readonly HttpClient _http = new(handler)
    {
        BaseAddress = server,
        Timeout = TimeSpan.FromSeconds(60),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
    };

    public Uri Server => server;

    /// <summary>The answer's body (empty for 204), or an <see cref="AdminCallException"/>.</summary>
    public async Task<string> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new AdminCallException(ExitCodes.Unusable, $"cannot reach the admin API at {server}: {Describe(e)}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AdminCallException(ExitCodes.Unusable, $"the admin API at {server} did not answer within {_http.Timeout.TotalSeconds:0} s", e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
                return text;
            var (reason, detail) = Problem(text);
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.Unauthorized)
                throw new AdminCallException(ExitCodes.Unusable,
                    $"the admin API at {server} refused the token (401 {reason ?? "unauthorized"}: {detail ?? "no detail"}); check --token / --token-file");
            if (status >= 500)
                throw new AdminCallException(ExitCodes.Unusable, $"the admin API could not do it ({status} {reason ?? "server-error"}: {detail ?? text}); nothing was refused, try again");
            throw new AdminCallException(ExitCodes.Invalid, $"{reason ?? $"http-{status}"}: {detail ?? text} (HTTP {status})");
        }
    }

    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        var text = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        return Deserialize<T>(text);
    }

    public static T Deserialize<T>(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, Options) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new AdminCallException(ExitCodes.Unusable, $"the server's answer is not what attestctl expects ({typeof(T).Name}): {e.Message}", e);
        }
    }

    /// <summary>Reads the server's JSON (PascalCase enum names, camelCase properties).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private static (string? Reason, string? Detail) Problem(string text)
    {
        try
        {
            return JsonNode.Parse(text) is JsonObject problem
                ? ((string?)problem["reasonCode"], (string?)problem["detail"] ?? (string?)problem["title"])
                : (null, null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string Describe(HttpRequestException e) => e.InnerException switch
    {
        AuthenticationException tls => $"TLS failed ({tls.Message}{(tls.InnerException is { } inner ? $" {inner.Message}" : "")}); is --ca the CA that issued the server's certificate?",
        SocketException socket => socket.Message,
        { } inner => $"{e.Message} {inner.Message}",
        null => e.Message,
    };

    public void Dispose() => _http.Dispose();
}
