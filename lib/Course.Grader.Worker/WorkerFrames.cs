using System.Text;

namespace Course.Grader.Worker;

/// <summary>What the grader asks of its worker.</summary>
public enum RequestKind : byte
{
    /// <summary>Load a compiled exercise cell (runs its top-level code) and keep its function.</summary>
    Load = 1,

    /// <summary>Call the loaded function with the arguments sent.</summary>
    Call = 2,
}

/// <summary>How the worker answers.</summary>
public enum ResponseKind : byte
{
    /// <summary>The cell loaded; its function is ready.</summary>
    Loaded = 1,

    /// <summary>The cell's top-level code threw, or it has no function of the exercise's signature.</summary>
    LoadFailed = 2,

    /// <summary>The call returned: the result and the arguments after the call follow.</summary>
    Returned = 3,

    /// <summary>The call threw: the exception's type chain and message follow.</summary>
    Threw = 4,
}

/// <summary>One request to the worker, identified by a fresh random id that its one answer must carry.</summary>
/// <param name="Id">Fresh per request: an answer with any other id is refused.</param>
/// <param name="Kind">Load or call.</param>
/// <param name="Assembly">For a load: the compiled cell (sent in the message: no file that other code could change).</param>
/// <param name="EntryType">For a load: the script class.</param>
/// <param name="EntryMethod">For a load: the script factory method.</param>
/// <param name="Arguments">For a call: the arguments.</param>
public sealed record WorkerRequest(Guid Id, RequestKind Kind, byte[] Assembly, string EntryType, string EntryMethod, IReadOnlyList<object?> Arguments);

/// <summary>The worker's answer to one request.</summary>
/// <param name="Id">The request's id.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Output">The call's result (Returned).</param>
/// <param name="ArgumentsAfter">The arguments after the call (Returned, Threw).</param>
/// <param name="Thrown">Exception type and base types, most derived first (LoadFailed, Threw).</param>
/// <param name="Message">The exception's message (LoadFailed, Threw).</param>
public sealed record WorkerResponse(Guid Id, ResponseKind Kind, object? Output, IReadOnlyList<object?> ArgumentsAfter, IReadOnlyList<string> Thrown, string Message);

/// <summary>
/// Length-prefixed binary frames on the two pipes between grader and worker (not stdin/stdout, which student code
/// can reach through Console): a 4-byte length, then the message. A frame over <see cref="MaxBytes"/> is refused.
/// </summary>
public static class WorkerFrames
{
    /// <summary>The largest frame either side accepts: 64 MiB.</summary>
    public const int MaxBytes = 64 << 20;

    /// <summary>Writes a request frame.</summary>
    public static void Write(Stream stream, WorkerRequest request) => Send(stream, w =>
    {
        w.Write(request.Id.ToByteArray());
        w.Write((byte)request.Kind);
        w.Write(request.Assembly.Length);
        w.Write(request.Assembly);
        w.Write(request.EntryType);
        w.Write(request.EntryMethod);
        CaseValues.WriteList(w, request.Arguments);
    });

    /// <summary>Writes a response frame.</summary>
    public static void Write(Stream stream, WorkerResponse response) => Send(stream, w =>
    {
        w.Write(response.Id.ToByteArray());
        w.Write((byte)response.Kind);
        CaseValues.Write(w, response.Output);
        CaseValues.WriteList(w, response.ArgumentsAfter);
        w.Write(response.Thrown.Count);
        foreach (string t in response.Thrown)
        {
            w.Write(t);
        }

        w.Write(response.Message);
    });

    /// <summary>Reads a request frame; null at the end of the stream.</summary>
    public static WorkerRequest? ReadRequest(Stream stream)
    {
        byte[]? body = ReadFrameAsync(stream, CancellationToken.None).GetAwaiter().GetResult();
        if (body is null)
        {
            return null;
        }

        using var r = new BinaryReader(new MemoryStream(body), Encoding.UTF8);
        var id = new Guid(r.ReadBytes(16));
        var kind = (RequestKind)r.ReadByte();
        byte[] assembly = r.ReadBytes(r.ReadInt32());
        return new WorkerRequest(id, kind, assembly, r.ReadString(), r.ReadString(), CaseValues.ReadList(r));
    }

    /// <summary>Reads a response frame; null at the end of the stream. A malformed frame throws <see cref="InvalidDataException"/>.</summary>
    public static async Task<WorkerResponse?> ReadResponseAsync(Stream stream, CancellationToken cancel)
    {
        byte[]? body = await ReadFrameAsync(stream, cancel);
        if (body is null)
        {
            return null;
        }

        try
        {
            using var r = new BinaryReader(new MemoryStream(body), Encoding.UTF8);
            var id = new Guid(ReadExactly(r, 16));
            var kind = (ResponseKind)r.ReadByte();
            if (!Enum.IsDefined(kind))
            {
                throw new InvalidDataException($"an answer of unknown kind {(byte)kind}");
            }

            object? output = CaseValues.Read(r);
            object?[] after = CaseValues.ReadList(r);
            int n = r.ReadInt32();
            if (n is < 0 or > 64)
            {
                throw new InvalidDataException($"{n} exception types");
            }

            var thrown = new string[n];
            for (int k = 0; k < n; k++)
            {
                thrown[k] = r.ReadString();
            }

            var response = new WorkerResponse(id, kind, output, after, thrown, r.ReadString());
            if (r.BaseStream.Position != body.Length)
            {
                throw new InvalidDataException($"{body.Length - r.BaseStream.Position} bytes after the answer");
            }

            return response;
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            // Every way a frame can be wrong (short, a bad length, invalid UTF-8, an impossible value) is one kind of error.
            throw new InvalidDataException($"a malformed message ({e.GetType().Name})", e);
        }
    }

    private static byte[] ReadExactly(BinaryReader r, int count)
    {
        byte[] bytes = r.ReadBytes(count);
        return bytes.Length == count ? bytes : throw new EndOfStreamException();
    }

    private static void Send(Stream stream, Action<BinaryWriter> write)
    {
        using var body = new MemoryStream();
        using (var w = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            write(w);
        }

        if (body.Length > MaxBytes)
        {
            throw new InvalidDataException($"a message of {body.Length} bytes is over the {MaxBytes >> 20} MiB limit");
        }

        stream.Write(BitConverter.GetBytes((int)body.Length));
        body.Position = 0;
        body.CopyTo(stream);
        stream.Flush();
    }

    private static async Task<byte[]?> ReadFrameAsync(Stream stream, CancellationToken cancel)
    {
        byte[] header = new byte[4];
        int got = await stream.ReadAtLeastAsync(header, 4, throwOnEndOfStream: false, cancel);
        if (got < 4)
        {
            return null;
        }

        int length = BitConverter.ToInt32(header);
        if (length is < 0 or > MaxBytes)
        {
            throw new InvalidDataException($"a message of {length} bytes (the limit is {MaxBytes >> 20} MiB)");
        }

        byte[] body = new byte[length];
        got = await stream.ReadAtLeastAsync(body, length, throwOnEndOfStream: false, cancel);
        return got < length ? null : body;
    }
}
