using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Mirage.Silo.Http;

/// <summary>
/// The operators' console (src/Console, built by scripts/setup.sh into the silo's output folder
/// <c>console/</c>): <c>GET /</c> is its page and <c>GET /console/...</c> its scripts and styles. Served
/// without a key, since the files hold no data: every call the page makes sends the operator's key.
/// Endpoints rather than the static-files middleware, because the fallback policy (a key for every
/// request without an endpoint) would otherwise refuse them.
/// </summary>
public static class ConsoleFiles
{
    /// <summary>Only the page's own files and scripts; no inline script or style, no other origin.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "console");
        var files = Directory.Exists(folder) ? new PhysicalFileProvider(folder) : null;
        var types = new FileExtensionContentTypeProvider();
        // Pages for people, not API: kept out of the OpenAPI document.
        app.MapGet("/", (HttpContext context) => Serve(files, types, "index.html", context)).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/console/{**path}", (string path, HttpContext context) => Serve(files, types, path, context)).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(PhysicalFileProvider? files, FileExtensionContentTypeProvider types, string path, HttpContext context)
    {
        if (files is null)
        {
            return new ApiError(StatusCodes.Status404NotFound, "Console not built",
                "The operators' console is not part of this build: run scripts/setup.sh (npm ci and the console's build).").ToResult();
        }

        // The provider refuses paths that leave its folder ("..", rooted paths): they answer 404 here.
        var file = files.GetFileInfo(path);
        if (!file.Exists || file.IsDirectory || file.PhysicalPath is null || !types.TryGetContentType(file.Name, out var contentType))
        {
            return new ApiError(StatusCodes.Status404NotFound, "Not found", "The console has no such file.").ToResult();
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidated every time (ETag / Last-Modified), so a new build is seen at the next load.
        headers.CacheControl = "no-cache";
        var modified = file.LastModified;
        var tag = new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{modified.UtcTicks:x}-{file.Length:x}\"");
        return TypedResults.PhysicalFile(file.PhysicalPath, contentType, lastModified: modified, entityTag: tag);
    }
}
