-- Confirm a locked unit as a subscription, in one call and one transaction (hand-written: Prisma's
-- schema language has no functions). Called by server/src/services/sales-service.ts.
--
-- 1. The unit: AVAILABLE → SUBSCRIBED (the partial unique index subscriptions_one_live_per_unit is the
--    last line of defence against a second live subscription).
-- 2. With a registration (认筹): its entitlement 机会数 is raised only while units_used < units_allowed.
--    The row lock serialises two confirms for the same buyer; the second re-reads the row after the
--    first commits, so a buyer can never exceed the entitlement. When the project requires a called
--    number, the selection window must be open now.
-- 3. The subscription and its audit event; the customer becomes SUBSCRIBED.
-- A refusal at step 2 raises: the unit update of step 1 is rolled back with it. Nothing is written
-- unless everything is.
CREATE OR REPLACE FUNCTION kaipan_confirm(
  p_unit uuid, p_project uuid, p_token bigint, p_consultant uuid, p_buyer_name text, p_buyer_phone text,
  p_username text, p_device text, p_registration uuid, p_require_called boolean
) RETURNS TABLE (subscription_id text, version integer, price text, created_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  v_unit_id uuid;
  v_version integer;
  v_price bigint;
  v_code text;
  v_customer uuid;
  v_sub uuid;
  v_at timestamptz;
  v_reg record;
  v_old_status text;
BEGIN
  UPDATE units AS u SET status = 'SUBSCRIBED', version = u.version + 1, lock_token = p_token, updated_at = now()
  WHERE u.id = p_unit AND u.status = 'AVAILABLE'
  RETURNING u.id, u.version, u.list_price, u.code INTO v_unit_id, v_version, v_price, v_code;
  IF NOT FOUND THEN
    RETURN;
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
                             created_at, customer_id, registration_id)
  VALUES (gen_random_uuid(), p_project, v_unit_id, p_consultant, p_buyer_name, p_buyer_phone, v_price, p_token, 'ACTIVE',
          now(), v_customer, p_registration)
  RETURNING id, subscriptions.created_at INTO v_sub, v_at;

  INSERT INTO audit_events (project_id, actor_id, actor_kind, actor_name, action, entity, entity_id, before, after, device, created_at)
  VALUES (p_project, p_consultant::text, 'user', p_username, 'unit.confirm', 'unit', v_unit_id::text,
          jsonb_build_object('status', 'LOCKED', 'token', p_token::text, 'unitCode', v_code),
          jsonb_build_object('status', 'SUBSCRIBED', 'subscriptionId', v_sub, 'price', v_price, 'buyerName', p_buyer_name,
                             'registrationId', p_registration),
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

  RETURN QUERY SELECT v_sub::text, v_version, v_price::text, v_at;
END;
$$;
