namespace Matchmaker.Tests.Market;

// Test classes that share one market (a host on a seeded database) per provider across the classes of a collection.
// xunit runs a collection's tests one after another and the collections side by side. The classes of a collection
// use case references of their own; a market with many tests' offerings stays small enough for one availability page.

/// <summary>Children registered, held, accepted, declined, withdrawn, escalated: the market's flows.</summary>
[CollectionDefinition(Name)]
public sealed class MarketFlowsCollection : ICollectionFixture<SharedMarket>
{
    public const string Name = "market: flows";
}

/// <summary>What providers, caseworkers and desks fill in: sheets, feeds, forms, filters, the remembering round.</summary>
[CollectionDefinition(Name)]
public sealed class MarketFormsCollection : ICollectionFixture<SharedMarket>
{
    public const string Name = "market: forms";
}

/// <summary>The board, figures and what-ifs, rounds and races, webhooks.</summary>
[CollectionDefinition(Name)]
public sealed class MarketViewsCollection : ICollectionFixture<SharedMarket>
{
    public const string Name = "market: views";
}

/// <summary>Who may do what: sessions, tokens, every door by every role, bad input, the read audit, the host's own pages.</summary>
[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<SharedMarket>
{
    public const string Name = "security";
}
