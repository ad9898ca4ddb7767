using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace OrleansAttest.Gateway.Admin;

/// <summary>
/// Request bodies: camelCase, enums as strings, and unknown properties refused — a misspelt policy field must not be
/// silently ignored. Bodies are read by hand (not by parameter binding) so a bad one gets a problem with a reason code,
/// and only after authentication.
/// </summary>
public static class AdminJson
{
    /// <summary>Largest request body read (a policy with many pinned values stays far below).</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The body as a JSON object, or the problem to answer (empty, too large, not JSON, not an object).</summary>
    public static async Task<(JsonObject? Body, IResult? Problem)> ReadObjectAsync(HttpRequest request, bool optional = false)
    {
        if (request.ContentLength > MaxBodyBytes)
            return (null, AdminProblems.BadRequest(AdminReasons.MalformedBody, $"the request body has {request.ContentLength} bytes; at most {MaxBodyBytes} are read"));
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                return (null, AdminProblems.BadRequest(AdminReasons.MalformedBody, $"the request body is larger than {MaxBodyBytes} bytes"));
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
            return optional ? (new JsonObject(), null) : (null, AdminProblems.BadRequest(AdminReasons.MalformedBody, "the request has no body; send a JSON object"));
        var (body, problem) = ParseObject(buffer.ToArray());
        return problem is null ? (body, null) : (null, AdminProblems.BadRequest(AdminReasons.MalformedBody, problem));
    }

    /// <summary>
    /// Outside bytes → a JSON object, or a sentence saying why not. Duplicate property names are refused: which of two
    /// "policy" values would count is exactly the kind of ambiguity an attacker looks for.
    /// </summary>
    public static (JsonObject? Body, string? Problem) ParseObject(byte[] bytes)
    {
        // Checked up front: a JSON string with invalid UTF-8 parses, and only throws later when it is read.
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
            return (null, "the request body is not valid UTF-8");
        try
        {
            if (JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 32 }) is not JsonObject body)
                return (null, "the request body is JSON but not an object");
            return (body, null);
        }
        catch (JsonException e)
        {
            return (null, $"the request body is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Deserializes <paramref name="body"/> into <typeparamref name="T"/> or answers which property is wrong.</summary>
    public static (T? Value, IResult? Problem) Convert<T>(JsonObject body, string what) where T : class
    {
        var (value, problem) = ConvertCore<T>(body, what);
        return problem is null ? (value, null) : (null, AdminProblems.BadRequest(AdminReasons.MalformedBody, problem));
    }

    public static (T? Value, string? Problem) ConvertCore<T>(JsonObject body, string what) where T : class
    {
        try
        {
            return body.Deserialize<T>(Options) is { } value ? (value, null) : (null, $"the request body is not {what}");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException or OverflowException)
        {
            return (null, $"the request body is not {what}: {e.Message}");
        }
    }
}
