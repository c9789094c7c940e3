-- Deals (issue 5), hand-written: partial unique indexes, the first price-list version of existing
-- projects, and confirm with the price rule check (kaipan_confirm v4).

-- One ACTIVE price list per project; one pending below-floor request per lock; one open change
-- request (PENDING or APPROVED) per subscription.
CREATE UNIQUE INDEX "price_lists_one_active" ON "price_lists"("project_id") WHERE "status" = 'ACTIVE';
CREATE UNIQUE INDEX "price_approvals_one_pending_per_lock" ON "price_approvals"("unit_id", "lock_token") WHERE "status" = 'PENDING';
CREATE UNIQUE INDEX "change_requests_one_open_per_subscription" ON "change_requests"("subscription_id") WHERE "status" IN ('PENDING', 'APPROVED');

-- Version 1 of every existing project's price list: the prices its units carry today.
INSERT INTO price_lists (id, project_id, version, status, source, note, unit_count, changed_count, requested_at, activated_at)
SELECT gen_random_uuid(), p.id, 1, 'ACTIVE', 'INITIAL', 'Initial prices', (SELECT count(*) FROM units u WHERE u.project_id = p.id), 0, now(), now()
FROM projects p;
INSERT INTO price_list_entries (price_list_id, unit_id, list_price, floor_price)
SELECT pl.id, u.id, u.list_price, u.floor_price FROM units u JOIN price_lists pl ON pl.project_id = u.project_id AND pl.version = 1;

DROP FUNCTION IF EXISTS kaipan_confirm(uuid, uuid, bigint, uuid, text, text, text, text, uuid, boolean);

-- Confirm a locked unit as a subscription, in one call and one transaction. Called by
-- server/src/services/sales-service.ts, which computed the price (shared/src/pricing.ts) from the
-- prices and rules it read; this function checks, atomically, that they still hold:
--
-- 1. The unit: AVAILABLE → SUBSCRIBED, only while its list and floor prices are the ones the price
--    was computed from (the partial unique index subscriptions_one_live_per_unit is the last line of
--    defence against a second live subscription). Not available → no row (the caller says
--    UNIT_NOT_AVAILABLE); prices changed → PRICE_VERSION_STALE.
-- 2. The price-list version is the project's active one (activation updates the project row and the
--    units' prices in one transaction; step 1 holds the unit's row lock, so an activation either
--    committed before — and this sees it — or waits for this transaction).
-- 3. A final price below the floor price needs an APPROVED request for this very lock, price and
--    version; it is consumed (USED). Otherwise APPROVAL_REQUIRED.
-- 4. With a registration (认筹): its entitlement 机会数 is raised only while units_used < units_allowed,
--    under the registration's row lock; with require-called, the selection window must be open.
-- 5. The subscription (price, breakdown, schedule, plan, version) and its audit event; the customer
--    becomes SUBSCRIBED.
-- Any refusal raises 'kaipan:<CODE>' (SQLSTATE P0001) and rolls back everything.
CREATE OR REPLACE FUNCTION kaipan_confirm(
  p_unit uuid, p_project uuid, p_token bigint, p_consultant uuid, p_buyer_name text, p_buyer_phone text,
  p_username text, p_device text, p_registration uuid, p_require_called boolean,
  p_price_version integer, p_list_price bigint, p_floor_price bigint, p_final_price bigint,
  p_plan uuid, p_breakdown jsonb, p_schedule jsonb, p_approval uuid
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
BEGIN
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

  SELECT p.price_version INTO v_active FROM projects AS p WHERE p.id = p_project;
  IF v_active IS DISTINCT FROM p_price_version THEN
    RAISE EXCEPTION 'kaipan:PRICE_VERSION_STALE' USING ERRCODE = 'P0001';
  END IF;

  IF p_final_price < p_floor_price THEN
    UPDATE price_approvals AS a SET status = 'USED', used_at = now()
    WHERE a.id = p_approval AND a.unit_id = p_unit AND a.lock_token = p_token AND a.status = 'APPROVED'
      AND a.final_price = p_final_price AND a.price_version = p_price_version;
    IF p_approval IS NULL OR NOT FOUND THEN
      RAISE EXCEPTION 'kaipan:APPROVAL_REQUIRED' USING ERRCODE = 'P0001';
    END IF;
  END IF;

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
