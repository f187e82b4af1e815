namespace Mirage.Silo.Http;

/// <summary>An RFC 7807 problem: the status, a short title, and a detail that says what to fix.</summary>
public sealed record ApiError(int Status, string Title, string Detail)
{
    public IResult ToResult() => TypedResults.Problem(detail: Detail, statusCode: Status, title: Title);

    public static ApiError BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Invalid request", detail);

    public static ApiError TooLarge(string detail) => new(StatusCodes.Status413PayloadTooLarge, "Request too large", detail);

    /// <summary>415 unless the request says its body is JSON (application/json, or a +json type).</summary>
    public static ApiError? UnlessJson(HttpRequest request) => request.HasJsonContentType()
        ? null
        : new(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
            "Send the body as JSON with the header \"Content-Type: application/json\".");
}
