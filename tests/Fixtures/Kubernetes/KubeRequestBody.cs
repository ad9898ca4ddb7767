using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// Reads a request body within the size limit and parses it as JSON (YAML for apply patches, Kubernetes' protobuf
/// for the kinds <see cref="KubeProtobuf"/> decodes); bad bytes are a 400.
/// </summary>
public static class KubeRequestBody
{
    private static readonly System.Buffers.SearchValues<char> AllowedBelowSpace = System.Buffers.SearchValues.Create(
        Enumerable.Range(' ', 0x10000 - ' ').Select(c => (char)c).Concat(['\t', '\n', '\r']).ToArray());

    public static async Task<JsonNode?> ReadAsync(HttpRequest request, int maxBytes, bool allowYaml)
    {
        if (request.ContentLength > maxBytes)
            throw new KubeApiException(413, "RequestEntityTooLarge", $"request body of {request.ContentLength} bytes exceeds the limit of {maxBytes} bytes");
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                throw new KubeApiException(413, "RequestEntityTooLarge", $"request body exceeds the limit of {maxBytes} bytes");
            buffer.Write(chunk, 0, read);
        }
        if (KubeProtobuf.IsProtobuf(request.ContentType))
            return buffer.Length == 0 ? throw KubeApiException.BadRequest("the request body is empty") : KubeProtobuf.ToJson(buffer.ToArray());
        return Parse(buffer.ToArray(), allowYaml);
    }

    public static JsonNode? Parse(byte[] body, bool allowYaml)
    {
        if (body.Length == 0)
            throw KubeApiException.BadRequest("the request body is empty");
        // Checked first: System.Text.Json reports bad UTF-8 inside strings only when a value is read, not as JsonException.
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            throw KubeApiException.BadRequest("the request body is not valid UTF-8");
        }
        // Neither JSON nor YAML allows raw C0 control characters other than tab, LF and CR: refuse them before
        // a parser spends time on, e.g., a megabyte of NULs.
        int control = text.AsSpan().IndexOfAnyExcept(AllowedBelowSpace);
        if (control >= 0 && text[control] < ' ')
            throw KubeApiException.BadRequest($"the request body contains control character 0x{(int)text[control]:x2} at offset {control}");
        var trimmed = body.AsSpan().TrimStart(" \t\r\n"u8);
        if (allowYaml && trimmed.Length > 0 && trimmed[0] != (byte)'{' && trimmed[0] != (byte)'[')
        {
            try
            {
                return KubeYaml.ToJson(text);
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                throw KubeApiException.BadRequest($"error converting YAML to JSON: {e.Message}");
            }
            catch (InvalidCastException)
            {
                throw KubeApiException.BadRequest("error converting YAML to JSON: mapping keys must be scalars");
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // YamlDotNet's representation model reports some malformed streams this way.
                throw KubeApiException.BadRequest($"error converting YAML to JSON: {e.Message}");
            }
        }
        try
        {
            var node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            Materialize(node);
            return node;
        }
        catch (JsonException e)
        {
            throw KubeApiException.BadRequest($"the request body is not valid JSON: {e.Message}");
        }
        catch (ArgumentException e)
        {
            // JsonObject builds its properties lazily and throws on a duplicate name only then: forced above.
            throw KubeApiException.BadRequest($"the request body is not valid JSON: {e.Message}");
        }
    }

    private static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                    Materialize(child);
                break;
            case JsonArray array:
                foreach (var child in array)
                    Materialize(child);
                break;
        }
    }

    public static JsonObject RequireObject(JsonNode? node) =>
        node as JsonObject ?? throw KubeApiException.BadRequest($"the request body must be a JSON object, not {node?.GetValueKind().ToString() ?? "null"}");
}
