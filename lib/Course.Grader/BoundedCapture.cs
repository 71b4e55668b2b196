using System.Text;

namespace Course.Grader;

/// <summary>
/// Reads a child process's output stream to its end in fixed chunks, keeping the first <see cref="HeadBytes"/> bytes and
/// counting the rest. A worker that floods stdout or stderr (with or without newlines) costs the grader one small buffer,
/// however much it writes; the pipe is always drained, so the worker never blocks on a full pipe either.
/// </summary>
public sealed class BoundedCapture
{
    /// <summary>The bytes kept from the start of the stream.</summary>
    public const int HeadBytes = 8192;

    private readonly byte[] head = new byte[HeadBytes];
    private readonly Task pump;
    private int kept;
    private long total;

    /// <summary>Starts draining <paramref name="stream"/> in the background.</summary>
    public BoundedCapture(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        pump = Task.Run(() => PumpAsync(stream));
    }

    /// <summary>The bytes read so far, kept or not.</summary>
    public long TotalBytes
    {
        get
        {
            lock (head)
            {
                return total;
            }
        }
    }

    /// <summary>
    /// The kept head as text (after waiting up to <paramref name="wait"/> for the stream to end), with a note of how many
    /// bytes were counted but not kept.
    /// </summary>
    public string Text(TimeSpan wait)
    {
        pump.Wait(wait);
        lock (head)
        {
            string text = Encoding.UTF8.GetString(head, 0, kept);
            return total > kept ? $"{text}\n[{total - kept} more bytes not kept]" : text;
        }
    }

    private async Task PumpAsync(Stream stream)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                lock (head)
                {
                    int take = Math.Min(n, HeadBytes - kept);
                    Array.Copy(buffer, 0, head, kept, take);
                    kept += take;
                    total += n;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The worker was killed or the pipe closed: what was read is what there is.
        }
    }
}
