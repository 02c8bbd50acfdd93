using System.Net.WebSockets;
using System.Text;

namespace Matchmaker.LoadTests;

/// <summary>
/// A desk's live connection spoken directly over a WebSocket (SignalR's JSON hub protocol: the handshake, then records
/// ending in 0x1E), so that thousands of them cost the load console little: a received change is found by a byte search
/// and its totalUnits read in place, with no JSON document, hub dispatch or pipe per message. It pings as a SignalR
/// client does, so the hub keeps it.
/// </summary>
public sealed class RawDeskClient(Uri node, string bearerToken) : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;
    private static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");
    private static readonly byte[] Target = Encoding.UTF8.GetBytes("\"target\":\"availabilityChanged\"");
    private static readonly byte[] TotalUnits = Encoding.UTF8.GetBytes("\"totalUnits\":");
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _receiving;
    private Task? _pinging;

    public bool Connected => _socket.State == WebSocketState.Open;

    /// <summary>Connects, says hello, and calls <paramref name="onChange"/> with each availabilityChanged's offering id text and totalUnits.</summary>
    public async Task StartAsync(byte[] offeringId, Action<int> onTotalUnits)
    {
        _socket.Options.SetRequestHeader("Authorization", $"Bearer {bearerToken}");
        var address = new UriBuilder(new Uri(node, "/hubs/availability")) { Scheme = node.Scheme == "https" ? "wss" : "ws" }.Uri;
        await _socket.ConnectAsync(address, _stop.Token);
        await _socket.SendAsync(Handshake, WebSocketMessageType.Text, true, _stop.Token);
        _receiving = ReceiveAsync(offeringId, onTotalUnits);
        _pinging = PingAsync();
    }

    private async Task ReceiveAsync(byte[] offeringId, Action<int> onTotalUnits)
    {
        var buffer = new byte[16 * 1024];
        var filled = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                var result = await _socket.ReceiveAsync(buffer.AsMemory(filled), _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) return;
                filled += result.Count;
                int end;
                var start = 0;
                while ((end = Array.IndexOf(buffer, RecordSeparator, start, filled - start)) >= 0)
                {
                    var record = buffer.AsSpan(start, end - start);
                    if (record.IndexOf(Target) >= 0 && record.IndexOf(offeringId) >= 0 && record.IndexOf(TotalUnits) is var at and >= 0)
                        onTotalUnits(ReadInt(record[(at + TotalUnits.Length)..]));
                    start = end + 1;
                }
                Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                filled -= start;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    private async Task PingAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), _stop.Token);
                await _socket.SendAsync(Ping, WebSocketMessageType.Text, true, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    private static int ReadInt(ReadOnlySpan<byte> text)
    {
        var value = 0;
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9') break;
            value = value * 10 + (b - '0');
        }
        return value;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_receiving is not null) await _receiving;
        if (_pinging is not null) await _pinging;
        _socket.Dispose();
        _stop.Dispose();
    }
}
