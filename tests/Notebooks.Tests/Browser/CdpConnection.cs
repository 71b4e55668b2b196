using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Notebooks.Tests.Browser;

/// <summary>
/// The Chrome DevTools Protocol over one WebSocket: JSON commands with ids, answered by id; events (no id) go to
/// <see cref="Event"/>. Page commands carry the sessionId of a flattened target session.
/// </summary>
public sealed class CdpConnection : IAsyncDisposable
{
    private readonly ClientWebSocket socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> pending = new();
    private readonly CancellationTokenSource closing = new();
    private int nextId;
    private Task? receiving;

    /// <summary>Raised on the receive loop for every event: method, params, sessionId (null for browser events).</summary>
    public event Action<string, JsonObject, string?>? Event;

    /// <summary>Connects to a DevTools WebSocket URL (ws://127.0.0.1:PORT/devtools/browser/ID).</summary>
    public static async Task<CdpConnection> ConnectAsync(Uri url)
    {
        var connection = new CdpConnection();
        connection.socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await connection.socket.ConnectAsync(url, CancellationToken.None);
        connection.receiving = Task.Run(connection.ReceiveLoopAsync);
        return connection;
    }

    /// <summary>Sends a command and returns its result; a protocol error becomes an exception.</summary>
    public async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null, string? sessionId = null,
        TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref nextId);
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = answer;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        if (sessionId is not null)
            message["sessionId"] = sessionId;
        await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, closing.Token);
        var reply = await answer.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        if (reply["error"] is JsonObject error)
            throw new InvalidOperationException($"CDP {method} failed: {error.ToJsonString()}");
        return reply["result"] as JsonObject ?? [];
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var frame = await socket.ReceiveAsync(buffer, closing.Token);
                if (frame.MessageType == WebSocketMessageType.Close)
                    break;
                message.Write(buffer, 0, frame.Count);
                if (!frame.EndOfMessage)
                    continue;
                var json = JsonNode.Parse(message.ToArray()) as JsonObject;
                message.SetLength(0);
                if (json is null)
                    continue;
                if (json["id"] is { } id && pending.TryRemove((int)id, out var answer))
                    answer.TrySetResult(json);
                else if ((string?)json["method"] is { } method)
                    Event?.Invoke(method, json["params"] as JsonObject ?? [], (string?)json["sessionId"]);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        foreach (var answer in pending.Values)
            answer.TrySetException(new InvalidOperationException("The DevTools connection closed."));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await closing.CancelAsync();
        if (receiving is not null)
            await receiving;
        socket.Dispose();
        closing.Dispose();
    }
}
