-- Sales rules (issue 12), hand-written: kaipan_confirm v6 = v5 (…_pricing_terms_rules; the steps are
-- explained in …_deals_rules) plus the pause. A pause 暂停销售 stops confirms as well as new locks
-- (a pause to fix a wrong price must stop confirms too); a lock held when the pause came stays and can
-- be confirmed after the resume. This is the one confirm path, so the check is here: step 2 reads the
-- project row FOR KEY SHARE and refuses SALES_PAUSED. The pause (server/src/services/control-service.ts
-- setPaused) takes the row FOR UPDATE, which conflicts with KEY SHARE: a confirm and a pause are
-- ordered by the row lock, and no confirm commits after a pause committed.
--
-- The signature is v5's, so CREATE OR REPLACE keeps the callers' prepared statements valid.

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
