using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace Matchmaker.LoadTests;

/// <summary>
/// One caller's keep-alive HTTP/1.1 connection to a node, spoken over a blocking socket on the caller's own thread, so
/// that the load console spends little of a shared machine on each request (pgbench, its peer, is a small C program):
/// no thread pool hop, no handler pipeline, no headers object. It posts JSON with a bearer token and reads the answer's
/// status and body (Content-Length or chunked). An answer that closes the connection, or a failure, opens a new one on
/// the next post.
/// </summary>
public sealed class RawHttpConnection(Uri node, string bearerToken) : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private readonly byte[] _headers = Encoding.ASCII.GetBytes(
        $"Host: {node.Host}:{node.Port}\r\nAuthorization: Bearer {bearerToken}\r\nContent-Type: application/json\r\nContent-Length: ");
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _filled;
    private Socket? _socket;

    /// <summary>
    /// Posts <paramref name="json"/> to <paramref name="path"/>. An answer that cannot be read throws an
    /// <see cref="IOException"/> (the caller counts it as an error) and the next post opens a new connection.
    /// </summary>
    public (int Status, ReadOnlyMemory<byte> Body) Post(string path, ReadOnlySpan<byte> json)
    {
        try
        {
            var socket = _socket ??= Connect();
            var request = new List<byte>(256 + json.Length);
            request.AddRange(Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\n"));
            request.AddRange(_headers);
            request.AddRange(Encoding.ASCII.GetBytes($"{json.Length}\r\n\r\n"));
            request.AddRange(json);
            var bytes = request.ToArray();
            for (var sent = 0; sent < bytes.Length;) sent += socket.Send(bytes, sent, bytes.Length - sent, SocketFlags.None);
            return ReadAnswer(socket);
        }
        catch (Exception unreadable) when (unreadable is FormatException or ArgumentException or OverflowException or IndexOutOfRangeException)
        {
            Close();
            throw new IOException($"The node's answer could not be read: {unreadable.Message}", unreadable);
        }
        catch
        {
            Close();
            throw;
        }
    }

    private Socket Connect()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 30_000, SendTimeout = 30_000 };
        socket.Connect(node.Host, node.Port);
        _start = _filled = 0;
        return socket;
    }

    private (int Status, ReadOnlyMemory<byte> Body) ReadAnswer(Socket socket)
    {
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(_start, _filled - _start).IndexOf(HeaderEnd)) < 0) Receive(socket);
        var head = Encoding.ASCII.GetString(_buffer, _start, headerEnd);
        _start += headerEnd + HeaderEnd.Length;
        var lines = head.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1]);
        var length = 0;
        var chunked = false;
        var closes = false;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) length = int.Parse(value);
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                closes = value.Split(',', StringSplitOptions.TrimEntries).Contains("close", StringComparer.OrdinalIgnoreCase);
        }
        // Kestrel frames every answer; one without a length would leave its body in front of the next answer.
        if (!chunked && length == 0 && status is not (204 or 304) && !lines.Any(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)))
            closes = true;
        var body = chunked ? ReadChunked(socket) : ReadExactly(socket, length);
        if (closes) Close();
        return (status, body);
    }

    private ReadOnlyMemory<byte> ReadExactly(Socket socket, int length)
    {
        while (_filled - _start < length) Receive(socket);
        var body = _buffer.AsMemory(_start, length).ToArray();
        _start += length;
        return body;
    }

    private ReadOnlyMemory<byte> ReadChunked(Socket socket)
    {
        var body = new List<byte>();
        while (true)
        {
            int lineEnd;
            while ((lineEnd = _buffer.AsSpan(_start, _filled - _start).IndexOf("\r\n"u8)) < 0) Receive(socket);
            var sizeText = _buffer.AsSpan(_start, lineEnd);
            var extension = sizeText.IndexOf((byte)';');
            if (!Utf8Parser.TryParse(extension >= 0 ? sizeText[..extension] : sizeText, out int size, out _, 'X'))
                throw new IOException("A chunk's size could not be read.");
            _start += lineEnd + 2;
            while (_filled - _start < size + 2) Receive(socket);
            body.AddRange(_buffer.AsSpan(_start, size));
            _start += size + 2;
            // The last chunk has size 0; this connection is never sent trailers.
            if (size == 0) return body.ToArray();
        }
    }

    private void Receive(Socket socket)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _filled - _start);
            _filled -= _start;
            _start = 0;
        }
        if (_filled == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        var read = socket.Receive(_buffer, _filled, _buffer.Length - _filled, SocketFlags.None);
        if (read == 0) throw new IOException("The node closed the connection.");
        _filled += read;
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
    }

    public void Dispose() => Close();
}
