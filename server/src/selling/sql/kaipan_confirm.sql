-- kaipan_confirm: the consultant's confirm, the hot path's one PostgreSQL round trip (DESIGN.md "The
-- lock protocol" step 3). Source of the current definition: prisma/migrations/20261207053000_sales_rules
-- (v6). Migrations are history and stay as they are; a change to this function is a new migration
-- that restates it, and server/src/selling/sql-sources.test.ts fails while this file and the latest
-- migration's definition differ (comments and whitespace aside).
--
-- Called by server/src/selling/sales-service.ts (commitConfirm, a named statement), which priced the
-- deal (shared/src/pricing.ts) from the prices and rules it holds in memory; this function checks,
-- atomically, that they still hold, and writes the sale:
--
-- 1. The unit: AVAILABLE → SUBSCRIBED (the transition table's `confirm`, LOCKED being an AVAILABLE row
--    with a live Redis lock), only while its list and floor prices are the ones the price was computed
--    from. Not available → no row (the caller answers UNIT_NOT_AVAILABLE, or the subscription of the
--    same lock when another press committed it); prices changed → PRICE_VERSION_STALE. The partial
--    unique index subscriptions_one_live_per_unit is the last line of defence against a second live
--    subscription.
-- 2. The project row, read FOR KEY SHARE: refused SALES_PAUSED while sales are paused (the pause,
--    server/src/services/control-service.ts setPaused, takes the row FOR UPDATE, so a confirm and a
--    pause are ordered by the row lock and no confirm commits after a pause); the price-list version
--    and the pricing-terms version must be the project's active ones, else PRICE_VERSION_STALE (an
--    activation updates the project row and the units' prices in one transaction; step 1 holds the
--    unit's row lock, so it either committed before — and this sees it — or waits).
-- 3. A final price below the floor price needs an APPROVED request for this very lock, price and
--    version; it is consumed (USED). Otherwise APPROVAL_REQUIRED.
-- 4. With a registration (认筹): its entitlement 机会数 is raised only while units_used < units_allowed,
--    under the registration's row lock (two confirms for one buyer are serialised); with
--    require-called, the selection window must be open now. Refusals: NOT_FOUND (cancelled or
--    withdrawn), ENTITLEMENT_EXCEEDED, SELECTION_NOT_OPEN.
-- 5. The subscription (price, breakdown, schedule, plan, versions) and its `unit.confirm` audit event;
--    a POTENTIAL or INTERESTED customer becomes SUBSCRIBED (audited).
-- Any refusal raises 'kaipan:<CODE>' (SQLSTATE P0001) and rolls back everything; the caller maps the
-- code (sales-service.ts confirmRefusal). History: v1 …_confirm_function, v4 …_deals_rules (prices,
-- approvals), v5 …_pricing_terms_rules (terms version), v6 …_sales_rules (pause).

CREATE OR REPLACE FUNCTION kaipan_confirm(
  p_unit uuid, p_project uuid, p_token bigint, p_consultant uuid, p_buyer_name text, p_buyer_phone text,
  p_username text, p_device text, p_registration uuid, p_require_called boolean,
  p_price_version integer, p_list_price bigint, p_floor_price bigint, p_final_price bigint,
  p_plan uuid, p_breakdown jsonb, p_schedule jsonb, p_approval uuid, p_terms_version integer
) RETURNS TABLE (subscription_id text, version integer, price text, created_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  v_unit_id uuid;
  v_version integer;
  v_code text;
  v_customer uuid;
  v_sub uuid := gen_random_uuid();
  v_at timestamptz;
  v_reg record;
  v_old_status text;
  v_active integer;
  v_terms integer;
  v_paused boolean;
BEGIN
  -- Step 1. The unit: AVAILABLE → SUBSCRIBED (the table's `confirm`), only at the quoted prices.
  UPDATE units AS u SET status = 'SUBSCRIBED', version = u.version + 1, lock_token = p_token, updated_at = now()
  WHERE u.id = p_unit AND u.status = 'AVAILABLE' AND u.list_price = p_list_price AND u.floor_price = p_floor_price
  RETURNING u.id, u.version, u.code INTO v_unit_id, v_version, v_code;
  IF NOT FOUND THEN
    PERFORM 1 FROM units AS u WHERE u.id = p_unit AND u.status = 'AVAILABLE';
    IF FOUND THEN
      RAISE EXCEPTION 'kaipan:PRICE_VERSION_STALE' USING ERRCODE = 'P0001';
    END IF;
    RETURN;
  END IF;

  -- Step 2. Sales not paused; the price-list and terms versions are the project's current ones.
  -- FOR KEY SHARE: the lock the subscription's foreign key takes on this row anyway, taken here so
  -- that a pause (which locks the row FOR UPDATE) either committed before — and this reads it — or
  -- waits until this confirm committed.
  SELECT p.price_version, p.terms_version, p.sales_paused INTO v_active, v_terms, v_paused
  FROM projects AS p WHERE p.id = p_project FOR KEY SHARE;
  IF v_paused THEN
    RAISE EXCEPTION 'kaipan:SALES_PAUSED' USING ERRCODE = 'P0001';
  END IF;
  IF v_active IS DISTINCT FROM p_price_version OR v_terms IS DISTINCT FROM p_terms_version THEN
    RAISE EXCEPTION 'kaipan:PRICE_VERSION_STALE' USING ERRCODE = 'P0001';
  END IF;

  -- Step 3. Below the floor price: the approval for this lock, price and version is consumed.
  IF p_final_price < p_floor_price THEN
    UPDATE price_approvals AS a SET status = 'USED', used_at = now()
    WHERE a.id = p_approval AND a.unit_id = p_unit AND a.lock_token = p_token AND a.status = 'APPROVED'
      AND a.final_price = p_final_price AND a.price_version = p_price_version;
    IF p_approval IS NULL OR NOT FOUND THEN
      RAISE EXCEPTION 'kaipan:APPROVAL_REQUIRED' USING ERRCODE = 'P0001';
    END IF;
  END IF;

  -- Step 4. The registered buyer's entitlement 机会数 and selection window.
  IF p_registration IS NOT NULL THEN
    UPDATE registrations AS r SET units_used = r.units_used + 1
    WHERE r.id = p_registration AND r.project_id = p_project AND r.status = 'ACTIVE'
      AND r.units_used < r.units_allowed
      AND (NOT p_require_called OR (r.selection_starts_at <= now() AND r.selection_ends_at > now()))
    RETURNING r.customer_id INTO v_customer;
    IF NOT FOUND THEN
      SELECT r.status, r.units_used, r.units_allowed INTO v_reg FROM registrations AS r
      WHERE r.id = p_registration AND r.project_id = p_project;
      IF NOT FOUND OR v_reg.status <> 'ACTIVE' THEN
        RAISE EXCEPTION 'kaipan:NOT_FOUND' USING ERRCODE = 'P0001';
      ELSIF v_reg.units_used >= v_reg.units_allowed THEN
        RAISE EXCEPTION 'kaipan:ENTITLEMENT_EXCEEDED' USING ERRCODE = 'P0001';
      ELSE
        RAISE EXCEPTION 'kaipan:SELECTION_NOT_OPEN' USING ERRCODE = 'P0001';
      END IF;
    END IF;
  END IF;

  -- Step 5. The subscription, its audit event, and the customer SUBSCRIBED.
  INSERT INTO subscriptions (id, project_id, unit_id, consultant_id, buyer_name, buyer_phone, price, lock_token, status,
                             created_at, customer_id, registration_id, price_version, list_price, floor_price, plan_id,
                             breakdown, schedule, approval_id)
  VALUES (v_sub, p_project, v_unit_id, p_consultant, p_buyer_name, p_buyer_phone, p_final_price, p_token, 'ACTIVE',
          now(), v_customer, p_registration, p_price_version, p_list_price, p_floor_price, p_plan,
          p_breakdown, p_schedule, CASE WHEN p_final_price < p_floor_price THEN p_approval END)
  RETURNING subscriptions.created_at INTO v_at;

  INSERT INTO audit_events (project_id, actor_id, actor_kind, actor_name, action, entity, entity_id, before, after, device, created_at)
  VALUES (p_project, p_consultant::text, 'user', p_username, 'unit.confirm', 'unit', v_unit_id::text,
          jsonb_build_object('status', 'LOCKED', 'token', p_token::text, 'unitCode', v_code),
          jsonb_build_object('status', 'SUBSCRIBED', 'subscriptionId', v_sub, 'price', p_final_price, 'listPrice', p_list_price,
                             'priceVersion', p_price_version, 'planId', p_plan, 'buyerName', p_buyer_name,
                             'registrationId', p_registration, 'approvalId', p_approval),
          p_device, now());

  IF v_customer IS NOT NULL THEN
    SELECT c.status::text INTO v_old_status FROM customers AS c WHERE c.id = v_customer FOR UPDATE;
    IF v_old_status IN ('POTENTIAL', 'INTERESTED') THEN
      UPDATE customers AS c SET status = 'SUBSCRIBED', version = c.version + 1, last_activity_at = now()
      WHERE c.id = v_customer;
      INSERT INTO audit_events (project_id, actor_id, actor_kind, actor_name, action, entity, entity_id, before, after, device, created_at)
      VALUES (p_project, p_consultant::text, 'user', p_username, 'customer.status', 'customer', v_customer::text,
              jsonb_build_object('status', v_old_status), jsonb_build_object('status', 'SUBSCRIBED', 'subscriptionId', v_sub),
              p_device, now());
    END IF;
  END IF;

  RETURN QUERY SELECT v_sub::text, v_version, p_final_price::text, v_at;
END;
$$;
