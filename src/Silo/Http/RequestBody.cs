using System.Buffers;

namespace Mirage.Silo.Http;

/// <summary>
/// A request body read whole into a pooled buffer, refused past a size limit. Malformed framing (a bad
/// chunk, a body shorter than its Content-Length) is a 400 problem and a caller that hung up mid-body is
/// <see cref="Aborted"/>: neither reaches the exception handler as a 500.
/// </summary>
public sealed class RequestBody : IDisposable
{
    private byte[]? _buffer;
    private readonly int _length;

    private RequestBody(byte[]? buffer, int length, ApiError? error, bool aborted = false)
    {
        _buffer = buffer;
        _length = length;
        Error = error;
        Aborted = aborted;
    }

    public ApiError? Error { get; }

    /// <summary>The caller went away before the body ended; answer nothing (see <see cref="Refusal"/>).</summary>
    public bool Aborted { get; }

    /// <summary>What to answer instead of handling the request: the error, nothing for an aborted caller, or null to go on.</summary>
    public IResult? Refusal(HttpContext context)
    {
        if (Aborted)
        {
            context.Abort();
            return Results.Empty;
        }

        return Error?.ToResult();
    }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    public static async Task<RequestBody> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 64 * 1024, maxBytes) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length > maxBytes)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return TooLarge(maxBytes);
                    }

                    var grown = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = grown;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }
        catch (BadHttpRequestException ex)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge(maxBytes)
                : new RequestBody(null, 0, ApiError.BadRequest(
                    "The request body is malformed: its chunked encoding or Content-Length does not frame it. Send a well-formed body."));
        }
        catch (Exception ex) when (ex is IOException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // The connection was reset or the caller hung up mid-body.
            ArrayPool<byte>.Shared.Return(buffer);
            return new RequestBody(null, 0, null, aborted: true);
        }

        if (length > maxBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return TooLarge(maxBytes);
        }

        return new RequestBody(buffer, length, null);
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static RequestBody TooLarge(int maxBytes) =>
        new(null, 0, ApiError.TooLarge($"The request body is larger than {maxBytes} bytes; send fewer inputs per request."));
}
