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
}
