using Matchmaker.Silo.Access;
using Microsoft.AspNetCore.Authorization;

namespace Matchmaker.Web.Infrastructure;

/// <summary>
/// An API token needs one of the operation's scopes (<see cref="Scopes"/>); a person signed in has every scope of their
/// role, which the role policy already limits. A token without the scope gets 403.
/// </summary>
public sealed class ScopeRequirement(IReadOnlyList<string> anyOf) : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public const string ScopeClaim = "matchmaker:scope";

    public IReadOnlyList<string> AnyOf { get; } = anyOf;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var isApiClient = context.User.FindFirst(Caller.KindClaim)?.Value == "api-client";
        var granted = context.User.FindAll(ScopeClaim).Select(c => c.Value).ToList();
        if (!isApiClient || requirement.AnyOf.Any(scope => Scopes.Grants(granted, scope)))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

public static class ScopeEndpoints
{
    /// <summary>The scopes (any one of them) an API token needs for this operation; shown in the OpenAPI document.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, params string[] anyOf) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(new AuthorizationPolicyBuilder().AddRequirements(new ScopeRequirement(anyOf)).Build())
            .WithMetadata(new ScopeRequirement(anyOf));
}
