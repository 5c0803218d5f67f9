/* cb-call-event.c
 *
 * Copyright 2026 The Callboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboard-call-event"

#include "config.h"

#include "cb-call-event.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

G_DEFINE_BOXED_TYPE (CbCallEvent, cb_call_event, cb_call_event_copy, cb_call_event_free)

static const char *kind_names[] = {
  [CB_CALL_EVENT_REGISTERED] = "registered",
  [CB_CALL_EVENT_STARTED] = "call_started",
  [CB_CALL_EVENT_ENDED] = "call_ended",
  [CB_CALL_EVENT_ANALYZED] = "call_analyzed",
};

static const char *status_names[] = {
  [CB_CALL_STATUS_REGISTERED] = "registered",
  [CB_CALL_STATUS_NOT_CONNECTED] = "not_connected",
  [CB_CALL_STATUS_ONGOING] = "ongoing",
  [CB_CALL_STATUS_ENDED] = "ended",
  [CB_CALL_STATUS_ERROR] = "error",
};

CbCallEvent *
cb_call_event_new (void)
{
  CbCallEvent *self = g_new0 (CbCallEvent, 1);

  self->retry_class = CB_RETRY_NEVER;
  return self;
}

CbCallEvent *
cb_call_event_copy (const CbCallEvent *self)
{
  CbCallEvent *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->provider_call_id = g_strdup (self->provider_call_id);
  copy->disconnection_reason = g_strdup (self->disconnection_reason);
  copy->from_number = g_strdup (self->from_number);
  copy->to_number = g_strdup (self->to_number);
  copy->transcript = g_strdup (self->transcript);
  copy->analysis_json = g_strdup (self->analysis_json);
  copy->metadata_json = g_strdup (self->metadata_json);
  copy->batch_id = g_strdup (self->batch_id);
  copy->recipient_id = g_strdup (self->recipient_id);
  copy->attempt_id = g_strdup (self->attempt_id);

  return copy;
}

void
cb_call_event_free (CbCallEvent *self)
{
  if (self == NULL)
    return;

  g_free (self->provider_call_id);
  g_free (self->disconnection_reason);
  g_free (self->from_number);
  g_free (self->to_number);
  g_free (self->transcript);
  g_free (self->analysis_json);
  g_free (self->metadata_json);
  g_free (self->batch_id);
  g_free (self->recipient_id);
  g_free (self->attempt_id);
  g_free (self);
}

const char *
cb_json_object_get_string (JsonObject *object,
                           const char *name)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

char *
cb_json_object_dup_string (JsonObject *object,
                           const char *name)
{
  return g_strdup (cb_json_object_get_string (object, name));
}

JsonArray *
cb_json_object_get_array (JsonObject *object,
                          const char *name)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

void
cb_call_event_set_metadata_json (CbCallEvent *self,
                                 const char  *metadata_json)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *object;

  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->metadata_json, g_free);
  g_clear_pointer (&self->batch_id, g_free);
  g_clear_pointer (&self->recipient_id, g_free);
  g_clear_pointer (&self->attempt_id, g_free);

  if (metadata_json == NULL)
    return;

  self->metadata_json = g_strdup (metadata_json);

  parser = json_parser_new_immutable ();
  if (!cb_json_parser_load (parser, metadata_json, -1, NULL))
    return;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;

  object = json_node_get_object (root);
  self->batch_id = cb_json_object_dup_string (object, CB_CALL_METADATA_BATCH_ID);
  self->recipient_id = cb_json_object_dup_string (object, CB_CALL_METADATA_RECIPIENT_ID);
  self->attempt_id = cb_json_object_dup_string (object, CB_CALL_METADATA_ATTEMPT_ID);
}

/* The fast JSON reader
 *
 * It builds the tree with the calls JsonParser makes (json_object_set_member(), so a
 * repeated member is replaced the same way), from a strict subset of JSON: whatever lies
 * outside it, invalid or merely unusual (numbers with a fraction or an exponent, escaped
 * surrogates and NUL, comments, deep nesting), makes it give up, and JsonParser decides. */

#define FAST_JSON_MAX_DEPTH 32

typedef struct
{
  const char *p;
  const char *end;
  GString    *buf;
  guint       depth;
} FastJson;

static JsonNode *fast_json_value (FastJson *j);

static inline void
fast_json_skip (FastJson *j)
{
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
    j->p++;
}

static inline int
fast_json_hex (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads the string at the opening quote into j->buf. */
static gboolean
fast_json_string (FastJson *j)
{
  const char *p = j->p + 1;

  g_string_truncate (j->buf, 0);
  for (;;)
    {
      const char *run = p;

      while (p < j->end && *p != '"' && *p != '\\' && (guchar) *p >= 0x20)
        p++;
      g_string_append_len (j->buf, run, p - run);
      if (p >= j->end || (guchar) *p < 0x20)
        return FALSE;
      if (*p == '"')
        {
          j->p = p + 1;
          return TRUE;
        }

      if (p + 1 >= j->end)
        return FALSE;
      switch (p[1])
        {
        case '"':
        case '\\':
        case '/':
          g_string_append_c (j->buf, p[1]);
          break;
        case 'b':
          g_string_append_c (j->buf, '\b');
          break;
        case 'f':
          g_string_append_c (j->buf, '\f');
          break;
        case 'n':
          g_string_append_c (j->buf, '\n');
          break;
        case 'r':
          g_string_append_c (j->buf, '\r');
          break;
        case 't':
          g_string_append_c (j->buf, '\t');
          break;
        case 'u':
          {
            gunichar c = 0;

            if (j->end - p < 6)
              return FALSE;
            for (int i = 2; i < 6; i++)
              {
                int digit = fast_json_hex (p[i]);

                if (digit < 0)
                  return FALSE;
                c = (c << 4) | (gunichar) digit;
              }
            if (c == 0 || (c >= 0xd800 && c <= 0xdfff))
              return FALSE;
            g_string_append_unichar (j->buf, c);
            p += 6;
            continue;
          }
        default:
          return FALSE;
        }
      p += 2;
    }
}

static gboolean
fast_json_word (FastJson   *j,
                const char *word,
                gsize       len)
{
  if ((gsize) (j->end - j->p) < len || memcmp (j->p, word, len) != 0)
    return FALSE;
  j->p += len;

  /* "truex" is a bare word, not true. */
  return j->p >= j->end || !g_ascii_isalnum (*j->p);
}

static JsonNode *
fast_json_object (FastJson *j)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  json_node_take_object (node, object);
  j->p++;
  fast_json_skip (j);
  if (j->p < j->end && *j->p == '}')
    {
      j->p++;
      return node;
    }

  for (;;)
    {
      /* The value is read into j->buf too: a short name waits on the stack. */
      g_autofree char *long_name = NULL;
      char short_name[64];
      const char *name;
      JsonNode *member;

      if (j->p >= j->end || *j->p != '"' || !fast_json_string (j) || j->buf->len == 0
          || strlen (j->buf->str) != j->buf->len)
        goto fail;
      if (j->buf->len < sizeof short_name)
        name = memcpy (short_name, j->buf->str, j->buf->len + 1);
      else
        name = long_name = g_strndup (j->buf->str, j->buf->len);
      fast_json_skip (j);
      if (j->p >= j->end || *j->p != ':')
        goto fail;
      j->p++;
      fast_json_skip (j);
      if (!(member = fast_json_value (j)))
        goto fail;
      json_node_set_parent (member, node);
      json_object_set_member (object, name, member);

      fast_json_skip (j);
      if (j->p >= j->end)
        goto fail;
      if (*j->p == '}')
        {
          j->p++;
          return node;
        }
      if (*j->p != ',')
        goto fail;
      j->p++;
      fast_json_skip (j);
    }

fail:
  json_node_unref (node);
  return NULL;
}

static JsonNode *
fast_json_array (FastJson *j)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();

  json_node_take_array (node, array);
  j->p++;
  fast_json_skip (j);
  if (j->p < j->end && *j->p == ']')
    {
      j->p++;
      return node;
    }

  for (;;)
    {
      JsonNode *element;

      if (!(element = fast_json_value (j)))
        goto fail;
      json_node_set_parent (element, node);
      json_array_add_element (array, element);

      fast_json_skip (j);
      if (j->p >= j->end)
        goto fail;
      if (*j->p == ']')
        {
          j->p++;
          return node;
        }
      if (*j->p != ',')
        goto fail;
      j->p++;
      fast_json_skip (j);
    }

fail:
  json_node_unref (node);
  return NULL;
}

static JsonNode *
fast_json_value (FastJson *j)
{
  JsonNode *node = NULL;

  if (j->p >= j->end)
    return NULL;

  switch (*j->p)
    {
    case '{':
    case '[':
      if (++j->depth > FAST_JSON_MAX_DEPTH)
        return NULL;
      node = *j->p == '{' ? fast_json_object (j) : fast_json_array (j);
      j->depth--;
      return node;

    case '"':
      if (!fast_json_string (j) || strlen (j->buf->str) != j->buf->len)
        return NULL;
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, j->buf->str);
      return node;

    case 't':
      if (!fast_json_word (j, "true", 4))
        return NULL;
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, TRUE);
      return node;

    case 'f':
      if (!fast_json_word (j, "false", 5))
        return NULL;
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, FALSE);
      return node;

    case 'n':
      if (!fast_json_word (j, "null", 4))
        return NULL;
      return json_node_new (JSON_NODE_NULL);

    default:
      {
        gboolean negative = *j->p == '-';
        const char *digits = j->p + (negative ? 1 : 0);
        const char *p = digits;
        gint64 value = 0;

        while (p < j->end && g_ascii_isdigit (*p))
          p++;

        /* No digits, a leading zero, more than 18 digits, a fraction or an exponent. */
        if (p == digits || p - digits > 18 || (*digits == '0' && p - digits > 1)
            || (p < j->end && (*p == '.' || g_ascii_isalpha (*p))))
          return NULL;

        for (const char *d = digits; d < p; d++)
          value = value * 10 + (*d - '0');

        j->p = p;
        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_int (node, negative ? -value : value);
        return node;
      }
    }
}

JsonNode *
cb_json_parse_fast (const char *data,
                    gsize       len)
{
  g_autoptr(GString) buf = NULL;
  FastJson j;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len == 0 || !g_utf8_validate_len (data, len, NULL))
    return NULL;

  buf = g_string_sized_new (256);
  j.p = data;
  j.end = data + len;
  j.buf = buf;
  j.depth = 0;

  fast_json_skip (&j);
  if (j.p >= j.end || (*j.p != '{' && *j.p != '['))
    return NULL;
  if (!(root = fast_json_value (&j)))
    return NULL;

  fast_json_skip (&j);
  if (j.p != j.end)
    {
      json_node_unref (root);
      return NULL;
    }

  return root;
}

gboolean
cb_json_check_text (const char  *data,
                    gssize       len,
                    GError     **error)
{
  const char *end;
  guint depth = 0;
  gboolean in_string = FALSE;
  gboolean closed = FALSE;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (data == NULL)
    return TRUE;

  end = data + (len < 0 ? strlen (data) : (gsize) len);
  for (const char *p = data; p < end; p++)
    {
      if (in_string)
        {
          if (*p == '\\')
            p++;
          else if (*p == '"')
            in_string = FALSE;
        }
      else if (*p == '"')
        in_string = TRUE;
      else if (*p == '{' || *p == '[')
        {
          if (depth == 0 && closed)
            {
              g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                           _("unexpected text after the end (at byte %" G_GSIZE_FORMAT ")"),
                           (gsize) (p - data) + 1);
              return FALSE;
            }
          if (++depth > CB_JSON_MAX_DEPTH)
            {
              g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                           _("arrays and objects are nested more than %d deep (at byte %"
                             G_GSIZE_FORMAT ")"), CB_JSON_MAX_DEPTH, (gsize) (p - data) + 1);
              return FALSE;
            }
        }
      else if ((*p == '}' || *p == ']') && depth > 0 && --depth == 0)
        closed = TRUE;
    }

  return TRUE;
}

gboolean
cb_json_parser_load (JsonParser  *parser,
                     const char  *data,
                     gssize       len,
                     GError     **error)
{
  g_return_val_if_fail (JSON_IS_PARSER (parser), FALSE);

  return cb_json_check_text (data, len, error)
         && json_parser_load_from_data (parser, data, len, error);
}

JsonNode *
cb_json_from_string (const char  *text,
                     GError     **error)
{
  g_return_val_if_fail (text != NULL, NULL);

  if (!cb_json_check_text (text, -1, error))
    return NULL;

  return json_from_string (text, error);
}

JsonNode *
cb_json_parse (const char  *data,
               gsize        len,
               GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((root = cb_json_parse_fast (data, len)) != NULL)
    return root;

  parser = json_parser_new ();
  if (!cb_json_parser_load (parser, data != NULL ? data : "", len, error))
    return NULL;

  return json_parser_steal_root (parser);
}

const char *
cb_call_event_kind_to_string (CbCallEventKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kind_names), NULL);

  return kind_names[kind];
}

const char *
cb_call_status_to_string (CbCallStatus status)
{
  g_return_val_if_fail (status < G_N_ELEMENTS (status_names), NULL);

  return status_names[status];
}

gboolean
cb_call_status_from_string (const char   *text,
                            CbCallStatus *status)
{
  g_return_val_if_fail (status != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    {
      if (strcmp (status_names[i], text) == 0)
        {
          *status = (CbCallStatus) i;
          return TRUE;
        }
    }

  return FALSE;
}
