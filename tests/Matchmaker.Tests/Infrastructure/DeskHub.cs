using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Matchmaker.Tests.Infrastructure;

/// <summary>A desk's (or provider's) live connection to a node's hub, authenticated by its API token, over WebSockets.</summary>
public static class DeskHub
{
    public static HubConnection Connect(Uri node, string bearerToken) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(node, "/hubs/availability"), options =>
            {
                options.Headers["Authorization"] = $"Bearer {bearerToken}";
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .Build();

    /// <summary>Every availabilityChanged the connection hears for one offering, in order.</summary>
    public static System.Threading.Channels.ChannelReader<System.Text.Json.JsonElement> AvailabilityOf(this HubConnection connection, Guid offeringId)
    {
        var events = System.Threading.Channels.Channel.CreateUnbounded<System.Text.Json.JsonElement>();
        connection.On<System.Text.Json.JsonElement>("availabilityChanged", change =>
        {
            if (change.GetProperty("offeringId").GetGuid() == offeringId) events.Writer.TryWrite(change);
        });
        return events.Reader;
    }

    /// <summary>Starts the connection and waits until the hub says its groups are joined (a started connection may not hear them yet).</summary>
    public static async Task StartListeningAsync(this HubConnection connection)
    {
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = connection.On("subscribed", () => subscribed.TrySetResult());
        await connection.StartAsync();
        await subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
