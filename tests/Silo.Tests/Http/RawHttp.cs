using System.Net.Sockets;
using System.Text;

namespace Mirage.Silo.Tests.Http;

/// <summary>How a raw request ends after its bytes.</summary>
public enum RawEnd
{
    /// <summary>The caller waits for the answer: what a client with a bug does.</summary>
    Listen,

    /// <summary>The caller closes its side (FIN): to Kestrel, a caller that has gone.</summary>
    HalfClose,

    /// <summary>The caller vanishes (RST).</summary>
    Reset,
}

/// <summary>
/// Sends bytes no HttpClient would send (broken framing, bodies cut short) over a fresh TCP connection
/// and reads the status line of whatever comes back.
/// </summary>
public static class RawHttp
{
    /// <summary>Answered with no status line within this: the server hung on the request.</summary>
    public const int Hung = -1;

    /// <summary>The answer's status code, null when the server closed the connection without answering, or <see cref="Hung"/>.</summary>
    public static async Task<int?> SendAsync(Uri server, byte[] request, RawEnd end = RawEnd.Listen)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(server.Host, server.Port, timeout.Token);
        try
        {
            await socket.SendAsync(request, SocketFlags.None, timeout.Token);
            if (end == RawEnd.Reset)
            {
                // A caller that vanishes mid-body: RST, no FIN.
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
                return null;
            }

            if (end == RawEnd.HalfClose)
            {
                socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (SocketException)
        {
            // The server may close first (it refused the request line); read what it said, if anything.
        }

        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            while (received.Length < 64 * 1024)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
                if (HeadersEnd(received) >= 0)
                {
                    break;
                }
            }
        }
        catch (SocketException)
        {
            // Reset by the server: whatever arrived before still counts.
        }
        catch (OperationCanceledException)
        {
            return Hung;
        }

        return Status(Encoding.ASCII.GetString(received.GetBuffer(), 0, (int)received.Length));
    }

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static int HeadersEnd(MemoryStream received) =>
        Encoding.ASCII.GetString(received.GetBuffer(), 0, (int)received.Length).IndexOf("\r\n\r\n", StringComparison.Ordinal);

    private static int? Status(string response) =>
        response.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && response.Length >= 12 && int.TryParse(response.AsSpan(9, 3), out var status)
            ? status
            : null;
}
