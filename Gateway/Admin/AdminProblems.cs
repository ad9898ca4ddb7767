using Microsoft.AspNetCore.Http;

namespace OrleansAttest.Gateway.Admin;

/// <summary>RFC 7807 problem+json answers with the stable <c>reasonCode</c> extension and a sentence.</summary>
public static class AdminProblems
{
    public static IResult Create(int status, string reasonCode, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: Title(status),
            extensions: new Dictionary<string, object?> { ["reasonCode"] = reasonCode });

    public static IResult BadRequest(string reasonCode, string detail) => Create(StatusCodes.Status400BadRequest, reasonCode, detail);

    public static IResult NotFound(string reasonCode, string detail) => Create(StatusCodes.Status404NotFound, reasonCode, detail);

    public static IResult Conflict(string reasonCode, string detail) => Create(StatusCodes.Status409Conflict, reasonCode, detail);

    private static string Title(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "invalid request",
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status404NotFound => "not found",
        StatusCodes.Status409Conflict => "operation does not apply",
        StatusCodes.Status503ServiceUnavailable => "verifier cluster unavailable",
        _ => "error",
    };
}
