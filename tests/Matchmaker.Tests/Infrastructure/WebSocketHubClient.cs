using System.IO.Pipelines;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaker.Tests.Infrastructure;

/// <summary>
/// A SignalR client over a plain <see cref="ClientWebSocket"/>, skipping negotiation. The package that holds the
/// usual HTTP connection (Microsoft.AspNetCore.Http.Connections.Client) is not in this project's package feed.
/// </summary>
public static class WebSocketHubClient
{
    public static HubConnection Connect(Uri hubUrl, string bearerToken)
    {
        var builder = new HubConnectionBuilder();
        builder.Services.AddSingleton<IConnectionFactory>(new WebSocketConnectionFactory(bearerToken));
        builder.Services.AddSingleton<EndPoint>(new UriEndPoint(new UriBuilder(hubUrl) { Scheme = hubUrl.Scheme == "https" ? "wss" : "ws" }.Uri));
        return builder.Build();
    }

    private sealed class WebSocketConnectionFactory(string bearerToken) : IConnectionFactory
    {
        public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
        {
            var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", $"Bearer {bearerToken}");
            await socket.ConnectAsync(((UriEndPoint)endpoint).Uri, cancellationToken);
            return new WebSocketConnection(socket);
        }
    }

    private sealed class WebSocketConnection : ConnectionContext
    {
        private readonly ClientWebSocket _socket;
        private readonly Pipe _fromServer = new();
        private readonly Pipe _toServer = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _receiving;
        private readonly Task _sending;

        public WebSocketConnection(ClientWebSocket socket)
        {
            _socket = socket;
            Transport = new DuplexPipe(_fromServer.Reader, _toServer.Writer);
            _receiving = ReceiveAsync();
            _sending = SendAsync();
        }

        public override string ConnectionId { get; set; } = Guid.NewGuid().ToString("N");
        public override IFeatureCollection Features { get; } = new FeatureCollection();
        public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();
        public override IDuplexPipe Transport { get; set; }

        private async Task ReceiveAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var memory = _fromServer.Writer.GetMemory(8192);
                    var received = await _socket.ReceiveAsync(memory, _stop.Token);
                    if (received.MessageType == WebSocketMessageType.Close) break;
                    _fromServer.Writer.Advance(received.Count);
                    if ((await _fromServer.Writer.FlushAsync()).IsCompleted) break;
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                // The connection ends; the reader sees completion.
            }
            finally
            {
                await _fromServer.Writer.CompleteAsync();
            }
        }

        private async Task SendAsync()
        {
            try
            {
                while (true)
                {
                    var read = await _toServer.Reader.ReadAsync(_stop.Token);
                    foreach (var segment in read.Buffer)
                        await _socket.SendAsync(segment, WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
                    _toServer.Reader.AdvanceTo(read.Buffer.End);
                    if (read.IsCompleted) break;
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                // The connection ends.
            }
            finally
            {
                await _toServer.Reader.CompleteAsync();
            }
        }

        public override async ValueTask DisposeAsync()
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or WebSocketException)
                {
                    // Closing is best effort.
                }
            }
            await _stop.CancelAsync();
            await Task.WhenAll(_receiving, _sending);
            _socket.Dispose();
            _stop.Dispose();
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
