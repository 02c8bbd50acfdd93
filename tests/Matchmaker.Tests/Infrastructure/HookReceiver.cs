using System.Collections.Concurrent;
using System.Net;

namespace Matchmaker.Tests.Infrastructure;

/// <summary>A webhook receiver on loopback: keeps every notification (headers and raw body) and answers with the status it is told.</summary>
public sealed class HookReceiver : IAsyncDisposable
{
    public sealed record Notification(string? Id, string? Timestamp, string? Signature, string Body);

    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public ConcurrentQueue<Notification> Received { get; } = new();
    public HttpStatusCode Answer { get; set; } = HttpStatusCode.OK;
    public string Url { get; }

    public HookReceiver()
    {
        var port = WebNode.FreePort();
        Url = $"http://127.0.0.1:{port}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            Received.Enqueue(new Notification(context.Request.Headers["Webhook-Id"], context.Request.Headers["Webhook-Timestamp"],
                context.Request.Headers["Webhook-Signature"], body));
            context.Response.StatusCode = (int)Answer;
            context.Response.Close();
        }
    }

    public async Task<Notification> NextAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (Received.TryDequeue(out var notification)) return notification;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No notification within {within.TotalSeconds:0} s.");
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
