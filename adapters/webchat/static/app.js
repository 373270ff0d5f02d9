// Hallpass web chat: the page of `hallpass demo`. Plain JavaScript, no dependencies.
//
// The server pushes every message this person may see (frames in
// adapters/webchat/webchat_protocol.hpp); the page keeps them by ref and shows one conversation
// at a time: the DM with Hallpass ("dm") or a channel ("#name"), and optionally one thread.
// Message text is neutral markup rendered into DOM nodes with textContent: never innerHTML.
'use strict';

(() => {
  const DM = 'dm';
  const PERSON_KEY = 'hallpass.webchat.person';

  const state = {
    boot: null,             // GET /api/bootstrap
    me: '',                 // person id
    ws: null,
    wantedPerson: '',       // the socket we mean to have; others are being replaced
    messages: new Map(),    // ref → entry
    order: [],              // refs in arrival order
    current: DM,            // conversation shown
    thread: '',             // root ref of the open thread
    unread: new Map(),      // conversation → count
    unreadThreads: new Set(),  // root refs with replies not seen yet
    pending: new Map(),     // event_id → frame, until acked (resent after a reconnect)
    reconnectDelay: 500,
    reconnectTimer: 0,
    dialogEntryRef: '',     // the message whose form the dialog shows
  };

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- small DOM helpers

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [key, value] of Object.entries(attrs)) {
        if (value === undefined || value === null || value === false) continue;
        if (key === 'className') node.className = value;
        else if (key === 'text') node.textContent = value;
        else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      return window.crypto.randomUUID();
    }
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  let toastTimer = 0;
  function toast(text) {
    const node = $('toast');
    node.textContent = text;
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { node.hidden = true; }, 7000);
  }

  // ---------------------------------------------------------------- neutral markup

  const { parseMarkup, safeUrl } = window.hallpassMarkup;

  function renderSpans(spans, parent) {
    for (const span of spans) {
      let node;
      const href = span.link ? safeUrl(span.link) : '';
      if (href) {
        node = el('a', { href, target: '_blank', rel: 'noopener noreferrer', text: span.text });
      } else if (span.link) {
        node = document.createTextNode(span.text === span.link ? span.text : `${span.text} (${span.link})`);
      } else {
        node = document.createTextNode(span.text);
      }
      if (span.italic) node = el('em', null, node);
      if (span.bold) node = el('strong', null, node);
      parent.append(node);
    }
  }

  // Renders markup as <p> and <ul> elements into a fragment.
  function renderMarkup(text) {
    const fragment = document.createDocumentFragment();
    for (const para of parseMarkup(text)) {
      let list = null;
      let p = null;
      for (const line of para) {
        if (line.listItem) {
          if (!list) { list = el('ul'); fragment.append(list); }
          p = null;
          const li = el('li');
          renderSpans(line.spans, li);
          list.append(li);
        } else {
          list = null;
          if (p) p.append(document.createTextNode('\n'));
          else { p = el('p'); fragment.append(p); }
          renderSpans(line.spans, p);
        }
      }
    }
    return fragment;
  }

  // ---------------------------------------------------------------- conversations

  const conversationOf = (entry) => (entry.channel.startsWith('dm:') ? DM : entry.channel);

  function channelInfo(id) {
    return (state.boot.channels || []).find((c) => c.id === id);
  }

  function conversationTitle(conv) {
    return conv === DM ? 'Hallpass' : conv;
  }

  function conversationTopic(conv) {
    if (conv === DM) return 'Your direct messages with Hallpass. Try /socialmedia request, /socialmedia report, or ask a policy question.';
    const info = channelInfo(conv);
    return info ? info.name : '';
  }

  function knownConversations() {
    const convs = [DM, ...(state.boot.channels || []).map((c) => c.id)];
    for (const ref of state.order) {
      const conv = conversationOf(state.messages.get(ref));
      if (!convs.includes(conv)) convs.push(conv);
    }
    return convs;
  }

  function renderSidebar() {
    const dmList = $('dm-list');
    const channelList = $('channel-list');
    dmList.replaceChildren();
    channelList.replaceChildren();
    for (const conv of knownConversations()) {
      const unread = state.unread.get(conv) || 0;
      const label = conv === DM ? 'Hallpass' : conv;
      const accessibleName = unread ? `${label}, ${unread} unread` : label;
      const button = el('button', {
        type: 'button',
        className: `sidebar-item${unread ? ' has-unread' : ''}`,
        'aria-current': conv === state.current ? 'true' : null,
        'aria-label': accessibleName,
        'data-conversation': conv,
        onclick: () => showConversation(conv),
      }, el('span', { className: 'label', text: label }),
      unread ? el('span', { className: 'unread-badge', 'aria-hidden': 'true', text: String(unread) }) : null);
      (conv === DM ? dmList : channelList).append(el('li', null, button));
    }
  }

  function showConversation(conv) {
    state.current = conv;
    state.unread.delete(conv);
    closeThread();
    $('conversation-title').textContent = conversationTitle(conv);
    $('conversation-topic').textContent = conversationTopic(conv);
    $('composer-label').textContent = conv === DM ? 'Message Hallpass' : `Message ${conv}`;
    $('composer-input').placeholder = conv === DM ? 'Message Hallpass — try /socialmedia request' : `Message ${conv}`;
    renderSidebar();
    renderMessages();
  }

  // A reply whose root is gone (a restart forgot it) is shown in the conversation itself.
  function isTopLevel(entry) {
    return !entry.thread_ref || !state.messages.has(entry.thread_ref);
  }

  function repliesOf(rootRef) {
    return state.order.map((r) => state.messages.get(r)).filter((e) => e.thread_ref === rootRef);
  }

  function renderMessages() {
    const box = $('messages');
    box.setAttribute('aria-busy', 'true');
    box.replaceChildren();
    const entries = state.order.map((r) => state.messages.get(r))
      .filter((e) => conversationOf(e) === state.current && isTopLevel(e));
    if (entries.length === 0) {
      box.append(el('p', { className: 'empty-note', text: state.current === DM
        ? 'No messages yet. Type /socialmedia request to ask for a social media account.'
        : 'No messages in this channel yet.' }));
    }
    for (const entry of entries) box.append(renderEntry(entry, { inThread: false }));
    box.scrollTop = box.scrollHeight;
    box.removeAttribute('aria-busy');
  }

  // ---------------------------------------------------------------- threads

  function openThread(rootRef) {
    const root = state.messages.get(rootRef);
    if (!root) return;
    state.thread = rootRef;
    state.unreadThreads.delete(rootRef);
    $('app').classList.add('with-thread');
    $('thread-panel').hidden = false;
    $('thread-title').textContent = root.thread_key ? `Thread: ${root.thread_key}` : 'Thread';
    renderThread();
    $('thread-input').focus();
  }

  function closeThread() {
    if (!state.thread) return;
    const rootRef = state.thread;
    state.thread = '';
    $('thread-panel').hidden = true;
    $('app').classList.remove('with-thread');
    const opener = document.querySelector(`#messages [data-ref="${CSS.escape(rootRef)}"] .thread-link .button`);
    if (opener) opener.focus();
  }

  function renderThread() {
    const box = $('thread-messages');
    box.setAttribute('aria-busy', 'true');
    box.replaceChildren();
    const root = state.messages.get(state.thread);
    if (root) {
      const rootNode = renderEntry(root, { inThread: true });
      rootNode.classList.add('thread-root');
      box.append(rootNode);
    }
    for (const reply of repliesOf(state.thread)) box.append(renderEntry(reply, { inThread: true }));
    box.scrollTop = box.scrollHeight;
    box.removeAttribute('aria-busy');
  }

  // ---------------------------------------------------------------- rendering one message

  function formatTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return '';
    return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function renderBlock(block, entry) {
    switch (block.type) {
      case 'header':
        return el('h3', { text: block.text });
      case 'paragraph':
        return el('div', { className: 'block-paragraph' }, renderMarkup(block.text));
      case 'context':
        return el('div', { className: 'block-context' }, renderMarkup(block.text));
      case 'quote': {
        const figure = el('figure', { className: 'block-quote' },
          el('blockquote', null, renderMarkup(block.text)));
        if (block.citation) figure.append(el('figcaption', null, '— ', el('cite', { text: block.citation })));
        return figure;
      }
      case 'fields': {
        const dl = el('dl', { className: 'block-fields' });
        for (const field of block.fields || []) {
          dl.append(el('dt', { text: field.label }), el('dd', null, renderMarkup(field.value)));
        }
        return dl;
      }
      case 'buttons': {
        const group = el('div', { className: 'block-buttons', role: 'group', 'aria-label': 'Actions' });
        for (const button of block.buttons || []) {
          const style = button.style === 'primary' ? ' button-primary'
            : button.style === 'danger' ? ' button-danger' : '';
          group.append(el('button', {
            type: 'button',
            className: `button${style}`,
            'data-action-id': button.action_id,
            text: button.label,
            onclick: (event) => clickButton(entry.ref, button, event.currentTarget),
          }));
        }
        return group;
      }
      case 'form': {
        const form = block.form || {};
        return el('div', { className: 'block-form' },
          el('span', { className: 'form-name', text: form.title || 'Form' }),
          el('button', {
            type: 'button',
            className: 'button button-primary',
            'data-form-id': form.form_id,
            text: `Open “${form.title || 'form'}”`,
            onclick: () => openForm(entry.ref, form.form_id),
          }));
      }
      default:
        return null;
    }
  }

  function renderEntry(entry, { inThread }) {
    const author = entry.author || { id: '?', name: '?', bot: false };
    const mine = !author.bot && author.id === state.me;
    const article = el('article', {
      className: `message${mine ? ' mine' : ''}${entry.ephemeral ? ' ephemeral' : ''}`,
      'data-ref': entry.ref,
      'aria-label': `${author.name}, ${formatTime(entry.time)}`,
    });
    const meta = el('div', { className: 'message-meta' },
      el('span', { className: 'message-author' }, author.name,
        author.bot ? el('span', { className: 'bot-tag', text: 'bot' }) : null),
      el('time', { className: 'message-time', datetime: entry.time, text: formatTime(entry.time) }));
    if (entry.ephemeral) meta.append(el('span', { className: 'message-note', text: 'Only visible to you' }));
    if (entry.edited) meta.append(el('span', { className: 'message-note', text: '(edited)' }));
    if (entry.thread_ref && !state.messages.has(entry.thread_ref) && entry.thread_key) {
      meta.append(el('span', { className: 'message-note', text: `in thread ${entry.thread_key}` }));
    }
    article.append(meta);

    const body = el('div', { className: 'message-body' });
    if (entry.content) {
      for (const block of entry.content.blocks || []) {
        const node = renderBlock(block, entry);
        if (node) body.append(node);
      }
      if (!(entry.content.blocks || []).length && entry.content.fallback) {
        body.append(el('p', { text: entry.content.fallback }));
      }
    } else {
      // What a person typed is shown literally.
      body.append(el('p', { text: entry.text || '' }));
    }
    article.append(body);

    const count = inThread || entry.thread_ref ? 0 : repliesOf(entry.ref).length;
    // In the DM, threads are offered only where Hallpass started one.
    if (!inThread && !entry.thread_ref && (conversationOf(entry) !== DM || count > 0)) {
      const fresh = state.unreadThreads.has(entry.ref);
      const replies = count === 1 ? '1 reply' : `${count} replies`;
      const label = count === 0 ? 'Reply in thread' : fresh ? `${replies} · new` : replies;
      article.append(el('div', { className: `thread-link${fresh ? ' has-new' : ''}` },
        el('button', {
          type: 'button',
          className: 'button button-quiet',
          'aria-label': count === 0 ? `Reply in thread to ${author.name}` : `${label}: open the thread`,
          onclick: () => openThread(entry.ref),
        }, label)));
    }
    return article;
  }

  // ---------------------------------------------------------------- applying server frames

  function upsert(entry, { live }) {
    const known = state.messages.has(entry.ref);
    state.messages.set(entry.ref, entry);
    if (!known) state.order.push(entry.ref);
    if (!live) return;

    const conv = conversationOf(entry);
    const inView = conv === state.current;
    const fromOther = !(entry.author && !entry.author.bot && entry.author.id === state.me);
    if (!known && fromOther && (!inView || document.hidden)) {
      state.unread.set(conv, (state.unread.get(conv) || 0) + 1);
    }
    if (!known && fromOther && entry.thread_ref && entry.thread_ref !== state.thread) {
      state.unreadThreads.add(entry.thread_ref);
    }
    renderSidebar();

    if (inView) {
      const box = $('messages');
      const existing = box.querySelector(`[data-ref="${CSS.escape(entry.ref)}"]`);
      const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
      if (existing) {
        existing.replaceWith(renderEntry(entry, { inThread: false }));
      } else if (isTopLevel(entry)) {
        box.querySelector('.empty-note')?.remove();
        const node = renderEntry(entry, { inThread: false });
        node.classList.add('fresh');
        box.append(node);
        if (atBottom || !fromOther) box.scrollTop = box.scrollHeight;
      }
      if (entry.thread_ref) {
        // The root's reply count changed.
        const root = state.messages.get(entry.thread_ref);
        const rootNode = root && box.querySelector(`[data-ref="${CSS.escape(root.ref)}"]`);
        if (rootNode) rootNode.replaceWith(renderEntry(root, { inThread: false }));
      }
    }
    if (state.thread && (entry.ref === state.thread || entry.thread_ref === state.thread)) {
      const box = $('thread-messages');
      const existing = box.querySelector(`[data-ref="${CSS.escape(entry.ref)}"]`);
      if (existing) {
        const node = renderEntry(entry, { inThread: true });
        if (entry.ref === state.thread) node.classList.add('thread-root');
        existing.replaceWith(node);
      } else {
        const node = renderEntry(entry, { inThread: true });
        node.classList.add('fresh');
        box.append(node);
        box.scrollTop = box.scrollHeight;
      }
    }
    maybeOpenForm(entry, known);
  }

  // A form Hallpass has just sent to this person alone opens by itself, as a modal would.
  function maybeOpenForm(entry, wasKnown) {
    if (wasKnown || !entry.content || $('form-dialog').open) return;
    const personal = entry.channel === `dm:${state.me}` || entry.ephemeral;
    const form = (entry.content.blocks || []).find((b) => b.type === 'form');
    if (!personal || !form) return;
    const conv = conversationOf(entry);
    if (conv !== state.current) showConversation(conv);
    openForm(entry.ref, form.form.form_id);
  }

  function onFrame(frame) {
    switch (frame.type) {
      case 'hello':
        state.me = frame.person;
        state.messages.clear();
        state.order = [];
        for (const entry of frame.messages || []) upsert(entry, { live: false });
        renderSidebar();
        showConversation(knownConversations().includes(state.current) ? state.current : DM);
        // Frames never acknowledged are sent again: the server and the core drop duplicates.
        for (const pendingFrame of state.pending.values()) transmit(pendingFrame);
        break;
      case 'message':
      case 'update':
        upsert(frame.message, { live: true });
        break;
      case 'ack':
        settle(frame.event_id);
        break;
      case 'error':
        if (frame.event_id) settle(frame.event_id);
        toast(frame.message || 'Something went wrong.');
        break;
      default:
        break;
    }
  }

  // ---------------------------------------------------------------- sending

  const pendingButtons = new Map();  // event_id → button group to re-enable

  function transmit(frame) {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify(frame));
  }

  function submitFrame(frame) {
    frame.event_id = uuid();
    state.pending.set(frame.event_id, frame);
    transmit(frame);
    return frame.event_id;
  }

  function settle(eventId) {
    state.pending.delete(eventId);
    const group = pendingButtons.get(eventId);
    if (group) {
      pendingButtons.delete(eventId);
      for (const b of group.querySelectorAll('button')) b.disabled = false;
    }
  }

  function sendText(text, threadRef) {
    const trimmed = text.trim();
    if (!trimmed) return false;
    const frame = { type: 'send', channel: state.current, text: trimmed };
    if (threadRef) frame.thread_ref = threadRef;
    submitFrame(frame);
    return true;
  }

  function clickButton(ref, button, node) {
    const eventId = submitFrame({ type: 'action', message_ref: ref, action_id: button.action_id, value: button.value });
    // One click per press: the group waits for the answer.
    const group = node.closest('.block-buttons');
    if (group) {
      for (const b of group.querySelectorAll('button')) b.disabled = true;
      pendingButtons.set(eventId, group);
    }
  }

  function wireComposer(formId, inputId, threadOf) {
    const form = $(formId);
    const input = $(inputId);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (sendText(input.value, threadOf())) input.value = '';
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  // ---------------------------------------------------------------- forms as dialogs

  function findForm(ref, formId) {
    const entry = state.messages.get(ref);
    if (!entry || !entry.content) return null;
    const block = (entry.content.blocks || []).find((b) => b.type === 'form' && b.form && b.form.form_id === formId);
    return block ? block.form : null;
  }

  function fieldIds(index) {
    return { input: `form-input-${index}`, hint: `form-hint-${index}`, error: `form-error-${index}` };
  }

  function renderInput(input, index) {
    const ids = fieldIds(index);
    const described = [input.hint ? ids.hint : '', ids.error].filter(Boolean).join(' ');
    const requiredMark = input.required ? el('span', { className: 'required-mark', 'aria-hidden': 'true', text: ' *' }) : null;
    const hint = input.hint ? el('p', { className: 'hint', id: ids.hint, text: input.hint }) : null;
    const error = el('p', { className: 'field-error', id: ids.error, text: input.error || '' });
    if (!input.error) error.hidden = true;
    const invalid = input.error ? 'true' : null;

    if (input.kind === 'single_choice' || input.kind === 'multi_choice') {
      const multi = input.kind === 'multi_choice';
      const initial = new Set(String(input.initial || '').split(',').map((v) => v.trim()).filter(Boolean));
      const fieldset = el('fieldset', {
        className: 'form-field',
        'data-key': input.key,
        'data-kind': input.kind,
        'data-required': input.required ? 'true' : null,
        'aria-describedby': described,
        'aria-invalid': invalid,
        'aria-required': input.required && !multi ? 'true' : null,
      }, el('legend', null, input.label, requiredMark));
      (input.choices || []).forEach((choice, k) => {
        const id = `${ids.input}-${k}`;
        fieldset.append(el('div', { className: 'choice' },
          el('input', {
            type: multi ? 'checkbox' : 'radio',
            id,
            name: input.key,
            value: choice.value,
            checked: initial.has(choice.value),
          }),
          el('label', { for: id, text: choice.label })));
      });
      fieldset.append(hint, error);
      return fieldset;
    }

    const control = input.kind === 'multiline'
      ? el('textarea', { id: ids.input, name: input.key })
      : el('input', { type: 'text', id: ids.input, name: input.key });
    control.value = input.initial || '';
    if (input.required) control.setAttribute('aria-required', 'true');
    if (invalid) control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', described);
    return el('div', {
      className: 'form-field',
      'data-key': input.key,
      'data-kind': input.kind,
      'data-required': input.required ? 'true' : null,
    }, el('label', { for: ids.input }, input.label, requiredMark), control, hint, error);
  }

  function openForm(ref, formId) {
    const form = findForm(ref, formId);
    if (!form) return;
    const dialog = $('form-dialog');
    state.dialogEntryRef = ref;
    dialog.dataset.formId = form.form_id;
    $('form-dialog-title').textContent = form.title || 'Form';
    $('form-dialog-submit').textContent = form.submit_label || 'Submit';
    const inputs = $('form-dialog-inputs');
    inputs.replaceChildren(...(form.inputs || []).map(renderInput));
    if (dialog.open) dialog.close();
    dialog.showModal();
    // Focus the first field Hallpass refused, else the first field.
    const invalid = inputs.querySelector('[aria-invalid="true"]');
    const first = invalid && !invalid.matches('input, textarea')
      ? invalid.querySelector('input, textarea')
      : invalid || inputs.querySelector('input, textarea');
    if (first) first.focus();
  }

  // Reads the dialog's values; returns null (and marks the fields) when a required one is empty.
  function collectValues() {
    const values = {};
    let firstMissing = null;
    for (const field of $('form-dialog-inputs').querySelectorAll('.form-field')) {
      const key = field.dataset.key;
      let value;
      if (field.dataset.kind === 'multi_choice' || field.dataset.kind === 'single_choice') {
        value = Array.from(field.querySelectorAll('input:checked'), (i) => i.value).join(',');
      } else {
        value = field.querySelector('input, textarea').value.trim();
      }
      values[key] = value;
      const error = field.querySelector('.field-error');
      const target = field.matches('fieldset') ? field : field.querySelector('input, textarea');
      if (field.dataset.required === 'true' && !value) {
        error.textContent = field.dataset.kind === 'multi_choice' ? 'Choose at least one.' : 'This is required.';
        error.hidden = false;
        target.setAttribute('aria-invalid', 'true');
        if (!firstMissing) firstMissing = field.querySelector('input, textarea');
      } else if (target.getAttribute('aria-invalid') === 'true' && value) {
        error.hidden = true;
        target.removeAttribute('aria-invalid');
      }
    }
    if (firstMissing) {
      firstMissing.focus();
      return null;
    }
    return values;
  }

  function wireDialog() {
    const dialog = $('form-dialog');
    $('form-dialog-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const values = collectValues();
      if (!values) return;
      submitFrame({ type: 'form', message_ref: state.dialogEntryRef, form_id: dialog.dataset.formId, values });
      dialog.close();
    });
    $('form-dialog-cancel').addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      const ref = state.dialogEntryRef;
      const opener = ref && document.querySelector(`[data-ref="${CSS.escape(ref)}"] [data-form-id]`);
      if (opener) opener.focus();
      else $('composer-input').focus();
    });
  }

  // ---------------------------------------------------------------- connection

  function setStatus(text, stateName) {
    const node = $('connection-status');
    node.textContent = text;
    node.dataset.state = stateName;
  }

  function connect(personId) {
    clearTimeout(state.reconnectTimer);
    state.wantedPerson = personId;
    if (state.ws) {
      const old = state.ws;
      state.ws = null;
      old.close(1000, 'switching person');
    }
    setStatus('Connecting…', 'connecting');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}/ws?person=${encodeURIComponent(personId)}`);
    state.ws = ws;
    let refused = false;
    ws.addEventListener('open', () => {
      state.reconnectDelay = 500;
      setStatus('Connected', 'open');
    });
    ws.addEventListener('message', (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (frame.type === 'error' && !frame.event_id && state.me !== personId) refused = true;
      onFrame(frame);
    });
    ws.addEventListener('close', (event) => {
      if (state.ws !== ws) return;  // replaced by a newer socket
      state.ws = null;
      if (refused || event.code === 1008) {
        setStatus('Refused', 'closed');
        return;
      }
      setStatus('Reconnecting…', 'closed');
      state.reconnectTimer = setTimeout(() => connect(state.wantedPerson), state.reconnectDelay);
      state.reconnectDelay = Math.min(state.reconnectDelay * 2, 10000);
    });
  }

  function personLabel(p) {
    return p.title ? `${p.name} — ${p.title}` : p.name;
  }

  function switchPerson(personId) {
    try { localStorage.setItem(PERSON_KEY, personId); } catch (e) { /* private mode */ }
    state.pending.clear();
    state.unread.clear();
    state.unreadThreads.clear();
    state.me = '';
    if ($('form-dialog').open) $('form-dialog').close();
    connect(personId);
  }

  async function start() {
    wireComposer('composer', 'composer-input', () => '');
    wireComposer('thread-composer', 'thread-input', () => state.thread);
    wireDialog();
    $('thread-close').addEventListener('click', closeThread);
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && state.thread && !$('form-dialog').open) closeThread();
    });
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) { state.unread.delete(state.current); renderSidebar(); }
    });

    let boot;
    try {
      const response = await fetch('/api/bootstrap', { cache: 'no-store' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      boot = await response.json();
    } catch (e) {
      setStatus('Offline', 'closed');
      toast(`Could not load the web chat (${e.message}). Is Hallpass running?`);
      return;
    }
    state.boot = boot;
    document.title = `${boot.bot_name || 'Hallpass'} web chat — ${boot.district || ''}`;
    $('district-name').textContent = boot.district || '';

    const select = $('person-select');
    for (const person of boot.people || []) {
      select.append(el('option', { value: person.id, text: personLabel(person) }));
    }
    let saved = '';
    try { saved = localStorage.getItem(PERSON_KEY) || ''; } catch (e) { /* private mode */ }
    const people = boot.people || [];
    const initial = people.find((p) => p.id === saved) ||
      people.find((p) => (p.roles || []).includes('employee') && (p.roles || []).length === 1) || people[0];
    if (!initial) {
      toast('The district has no people to play.');
      return;
    }
    select.value = initial.id;
    select.addEventListener('change', () => switchPerson(select.value));
    renderSidebar();
    showConversation(DM);
    connect(initial.id);
  }

  document.addEventListener('DOMContentLoaded', start);
})();
