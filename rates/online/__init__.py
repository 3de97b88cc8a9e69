"""Online rate sources (opt-in). Importing them loads no HTTP library; fetching does.

* :mod:`rates.online.ecb`: ECB reference rates through the ECB data API (SDMX CSV);
* :mod:`rates.online.currency_api`: fawazahmed0's currency-api (jsDelivr, Cloudflare
  fallback), daily from 2024-03;
* :mod:`rates.online.worldbank`: World Bank ``PA.NUS.FCRF`` annual averages;
* :mod:`rates.online.open_er_api`: open.er-api.com latest rates;
* :mod:`rates.online.openexchangerates`: Open Exchange Rates, an example of a keyed source
  (not registered by default: it needs the user's ``app_id``).

What they share (:mod:`rates.online.http`) bounds every lookup: one deadline (``timeout``,
10 s) for all its requests, retries and waits, however slowly a server sends
(:mod:`rates.online._deadline`); bodies read decompressed up to ``max_bytes`` (8 MiB), JSON
at most 32 levels deep, expiries from a server at most a day ahead
(:mod:`rates.online._limits`); every payload failure a typed error.
"""
