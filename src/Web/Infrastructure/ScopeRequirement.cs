using Matchmaker.Silo.Access;
using Microsoft.AspNetCore.Authorization;

namespace Matchmaker.Web.Infrastructure;

/// <summary>
/// An API token needs one of the operation's scopes (<see cref="Scopes"/>); a person signed in has every scope of their
/// role, which the role policy already limits, unless the operation is for systems only (<see cref="SystemsOnly"/>).
/// A token without the scope, or a person at an operation for systems only, gets 403.
/// </summary>
public sealed class ScopeRequirement(IReadOnlyList<string> anyOf, bool systemsOnly = false) : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public const string ScopeClaim = "matchmaker:scope";

    public IReadOnlyList<string> AnyOf { get; } = anyOf;

    /// <summary>Only a token an administrator issued with the scope opens it; no person's session does, whatever their role.</summary>
    public bool SystemsOnly { get; } = systemsOnly;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var isApiClient = context.User.FindFirst(Caller.KindClaim)?.Value == "api-client";
        var granted = context.User.FindAll(ScopeClaim).Select(c => c.Value).ToList();
        if (isApiClient ? requirement.AnyOf.Any(scope => Scopes.Grants(granted, scope)) : !requirement.SystemsOnly)
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

    /// <summary>
    /// The scope an API token needs, and no person may call it: for what only a deliberately issued token should read (the
    /// audit log, which shows who read which child: the region's security officer's tool, not every desk worker).
    /// </summary>
    public static TBuilder RequireSystemScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(new AuthorizationPolicyBuilder().AddRequirements(new ScopeRequirement([scope], systemsOnly: true)).Build())
            .WithMetadata(new ScopeRequirement([scope], systemsOnly: true));
}
