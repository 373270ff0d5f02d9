// Hallpass web chat: the page of `hallpass demo`. Plain JavaScript, no dependencies.
//
// The server pushes every message this person may see (frames in
// adapters/webchat/webchat_protocol.hpp); the page keeps them by ref and shows one conversation
// at a time: the DM with Hallpass ("dm") or a channel ("#name"), and optionally one thread.
// Message text is neutral markup rendered into DOM nodes with textContent: never innerHTML.
// The page's own words come from GET /api/bootstrap's "strings" (prompts/<lang>/webchat.yaml),
// in the language of the person played.
'use strict';

(() => {
  const DM = 'dm';
  const PERSON_KEY = 'hallpass.webchat.person';
  const TOUR_KEY = 'hallpass.webchat.tour';
  const FORMS_KEY = 'hallpass.webchat.forms.';  // + person: the forms this person sent
  const NARROW = window.matchMedia('(max-width: 699px)');

  const state = {
    boot: null,             // GET /api/bootstrap
    lang: 'en',
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
    sentForms: new Map(),   // ref → {form_id, values}: forms this person sent, kept closed
    reconnectDelay: 500,
    reconnectTimer: 0,
    dialogEntryRef: '',     // the message whose form the dialog shows
  };

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- the page's words

  function fill(template, vars) {
    return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g,
      (whole, name) => (vars && Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole));
  }

  // The template for key in the person's language (English when a language lacks it).
  function t(key, vars) {
    const strings = (state.boot && state.boot.strings) || {};
    const own = strings[state.lang] || {};
    const english = strings.en || {};
    const template = own[key] !== undefined ? own[key] : english[key] !== undefined ? english[key] : key;
    return fill(template, vars);
  }

  // Characters as a person counts them (code points), not UTF-16 units or bytes.
  const charCount = (text) => Array.from(text).length;

  function personById(id) {
    return ((state.boot && state.boot.people) || []).find((p) => p.id === id);
  }

  function languageOf(personId) {
    const person = personById(personId);
    return (person && person.language) || (state.boot && state.boot.language) || 'en';
  }

  function applyLanguage(lang) {
    state.lang = lang;
    document.documentElement.lang = lang;
    for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll('[data-i18n-aria-label]')) {
      node.setAttribute('aria-label', t(node.dataset.i18nAriaLabel));
    }
    for (const node of document.querySelectorAll('[data-i18n-placeholder]')) {
      node.placeholder = t(node.dataset.i18nPlaceholder);
    }
    if (state.boot) {
      document.title = t('title', { bot: state.boot.bot_name || 'Hallpass', district: state.boot.district || '' });
      renderTourSteps();
    }
    const status = $('connection-status');
    if (status.dataset.key) status.textContent = t(status.dataset.key);
  }

  function roleLabel(person) {
    const role = (person.roles || [])[0];
    return role ? t(`role.${role}`) : (person.title || '');
  }

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

  // Node.append turns null into the text "null": append only what is there.
  function appendPresent(parent, ...children) {
    for (const child of children) if (child !== null && child !== undefined) parent.append(child);
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

  function storageGet(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }  // private mode
  }
  function storageSet(key, value) {
    try { localStorage.setItem(key, value); } catch (e) { /* private mode */ }
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

  // The configured channels this person belongs to (a site's principals, the superintendent's
  // office, IT administrators everywhere).
  function myChannels() {
    const me = state.me || state.wantedPerson;
    return (state.boot.channels || []).filter((c) => !c.members || c.members.includes(me));
  }

  function conversationTitle(conv) {
    return conv === DM ? 'Hallpass' : conv;
  }

  function conversationTopic(conv) {
    if (conv === DM) return t('dm_topic');
    const info = channelInfo(conv);
    return info ? info.name : '';
  }

  // The DM, this person's channels, and any channel Hallpass posted to that the config does not
  // name (the server sends only what this person may see).
  function knownConversations() {
    const convs = [DM, ...myChannels().map((c) => c.id)];
    for (const ref of state.order) {
      const conv = conversationOf(state.messages.get(ref));
      if (!convs.includes(conv) && !channelInfo(conv)) convs.push(conv);
    }
    return convs;
  }

  function renderSidebar() {
    const dmList = $('dm-list');
    const channelList = $('channel-list');
    dmList.replaceChildren();
    channelList.replaceChildren();
    const convs = knownConversations();
    for (const conv of convs) {
      const unread = state.unread.get(conv) || 0;
      const label = conv === DM ? 'Hallpass' : conv;
      const accessibleName = unread ? t('unread', { label, count: unread }) : label;
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
    const noChannels = convs.length === 1;
    $('channel-heading').hidden = noChannels;
    channelList.hidden = noChannels;
  }

  function setSidebarOpen(open) {
    $('app').classList.toggle('sidebar-open', open);
    $('sidebar-toggle').setAttribute('aria-expanded', open ? 'true' : 'false');
  }

  function showConversation(conv) {
    state.current = conv;
    state.unread.delete(conv);
    closeThread();
    $('conversation-title').textContent = conversationTitle(conv);
    $('conversation-topic').textContent = conversationTopic(conv);
    $('composer-label').textContent = conv === DM ? t('message_hallpass') : t('message_channel', { channel: conv });
    $('composer-input').placeholder = conv === DM ? t('message_hallpass_placeholder') : t('message_channel', { channel: conv });
    if (NARROW.matches) setSidebarOpen(false);
    renderSidebar();
    renderMessages();
  }

  // ---------------------------------------------------------------- the walkthrough

  // The sample roles of the walkthrough, from the district: a teacher at a site with a
  // principal and an approvals channel, that principal, and the superintendent.
  function tourCast() {
    const people = state.boot.people || [];
    const channels = state.boot.channels || [];
    const siteChannel = (site) => channels.find((c) => c.kind === 'approvals' && c.site === site);
    const teacher = people.find((p) => (p.roles || []).length === 1 && p.roles[0] === 'employee' &&
      p.site && siteChannel(p.site) && people.some((q) => q.site === p.site && (q.roles || []).includes('principal')));
    if (!teacher) return null;
    const principal = people.find((q) => q.site === teacher.site && (q.roles || []).includes('principal'));
    const superintendent = people.find((q) => (q.roles || []).includes('superintendent'));
    const office = channels.find((c) => c.kind === 'superintendent');
    if (!superintendent || !office) return null;
    return { teacher, principal, superintendent, siteChannel: siteChannel(teacher.site).id, office: office.id };
  }

  function renderTourSteps() {
    const cast = tourCast();
    const list = $('tour-steps');
    list.replaceChildren();
    if (!cast) return;
    list.append(
      el('li', { text: t('tour.step_file', { teacher: cast.teacher.name }) }),
      el('li', { text: t('tour.step_endorse', { principal: cast.principal.name, channel: cast.siteChannel }) }),
      el('li', { text: t('tour.step_decide', { superintendent: cast.superintendent.name, channel: cast.office }) }),
      el('li', { text: t('tour.step_see', { teacher: cast.teacher.name }) }));
  }

  function showTour(show) {
    $('tour').hidden = !show || !tourCast();
    $('tour-show').hidden = show;
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
      box.append(el('p', { className: 'empty-note', text: state.current === DM ? t('empty_dm') : t('empty_channel') }));
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
    $('thread-title').textContent = root.thread_key ? t('thread_named', { key: root.thread_key }) : t('thread');
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

  // In the district's time zone, as Hallpass's own text tells times.
  let timeFormat = null;
  function formatTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return '';
    if (!timeFormat || timeFormat.lang !== state.lang) {
      const options = { hour: '2-digit', minute: '2-digit' };
      let format;
      try {
        format = new Intl.DateTimeFormat(state.lang, { ...options, timeZone: state.boot.time_zone || undefined });
      } catch (e) {
        format = new Intl.DateTimeFormat(state.lang, options);  // an unknown zone: the browser's
      }
      timeFormat = { lang: state.lang, format };
    }
    return timeFormat.format.format(date);
  }

  const isPersonal = (entry) => entry.channel === `dm:${state.me}` || entry.ephemeral;
  const formBlockOf = (entry) => (entry && entry.content && (entry.content.blocks || [])
    .find((b) => b.type === 'form' && b.form)) || null;

  // A form stays open until this person sends it or Hallpass gives them a newer form in the same
  // conversation: an older one would only be refused.
  function formIsOpen(entry) {
    if (!isPersonal(entry) || state.sentForms.has(entry.ref)) return false;
    const conv = conversationOf(entry);
    for (let i = state.order.length - 1; i >= 0; i -= 1) {
      const other = state.messages.get(state.order[i]);
      if (conversationOf(other) === conv && isPersonal(other) && formBlockOf(other)) return other.ref === entry.ref;
    }
    return false;
  }

  function renderBlock(block, entry, inThread) {
    switch (block.type) {
      case 'header':
        // Under the conversation's h1, or the thread panel's h2.
        return el(inThread ? 'h3' : 'h2', { className: 'block-header', text: block.text });
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
        const group = el('div', { className: 'block-buttons', role: 'group', 'aria-label': t('actions') });
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
        const title = form.title || t('form');
        if (!formIsOpen(entry)) {
          const sent = state.sentForms.has(entry.ref);
          return el('div', { className: 'block-form closed', 'data-closed-form': form.form_id },
            el('span', { className: 'form-name', text: title }),
            el('span', { className: 'form-state', text: sent ? `✓ ${t('form_submitted')}` : t('form_closed') }));
        }
        return el('div', { className: 'block-form' },
          el('span', { className: 'form-name', text: title }),
          el('button', {
            type: 'button',
            className: 'button button-primary',
            'data-form-id': form.form_id,
            text: t('open_form', { title }),
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
        author.bot ? el('span', { className: 'bot-tag', text: t('bot_tag') }) : null),
      el('time', { className: 'message-time', datetime: entry.time, text: formatTime(entry.time) }));
    if (entry.ephemeral) meta.append(el('span', { className: 'message-note', text: t('only_you') }));
    if (entry.edited) meta.append(el('span', { className: 'message-note', text: t('edited') }));
    if (entry.thread_ref && !state.messages.has(entry.thread_ref) && entry.thread_key) {
      meta.append(el('span', { className: 'message-note', text: t('in_thread', { key: entry.thread_key }) }));
    }
    article.append(meta);

    const body = el('div', { className: 'message-body' });
    if (entry.content) {
      for (const block of entry.content.blocks || []) {
        const node = renderBlock(block, entry, inThread);
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
      const replies = count === 1 ? t('replies_one') : t('replies', { count });
      const label = count === 0 ? t('reply_in_thread') : fresh ? t('replies_new', { replies }) : replies;
      article.append(el('div', { className: `thread-link${fresh ? ' has-new' : ''}` },
        el('button', {
          type: 'button',
          className: 'button button-quiet',
          'aria-label': count === 0 ? t('reply_in_thread_to', { name: author.name }) : t('open_thread', { label }),
          onclick: () => openThread(entry.ref),
        }, label)));
    }
    return article;
  }

  // ---------------------------------------------------------------- applying server frames

  function refreshEntry(box, entry, isRoot) {
    const existing = box.querySelector(`[data-ref="${CSS.escape(entry.ref)}"]`);
    if (!existing) return;
    const node = renderEntry(entry, { inThread: box.id === 'thread-messages' });
    if (isRoot) node.classList.add('thread-root');
    existing.replaceWith(node);
  }

  // Forms shown as open or closed change when a form is sent or a newer one arrives.
  function refreshForms() {
    for (const box of [$('messages'), $('thread-messages')]) {
      for (const node of box.querySelectorAll('.block-form')) {
        const article = node.closest('article');
        const entry = article && state.messages.get(article.dataset.ref);
        if (entry) refreshEntry(box, entry, article.classList.contains('thread-root'));
      }
    }
  }

  function upsert(entry, { live }) {
    const known = state.messages.has(entry.ref);
    state.messages.set(entry.ref, entry);
    if (!known) state.order.push(entry.ref);
    if (!live) return;

    const conv = conversationOf(entry);
    const visible = knownConversations().includes(conv);
    const inView = conv === state.current;
    const fromOther = !(entry.author && !entry.author.bot && entry.author.id === state.me);
    if (!known && fromOther && visible && (!inView || document.hidden)) {
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
        if (root) refreshEntry(box, root, false);
      }
    }
    if (state.thread && (entry.ref === state.thread || entry.thread_ref === state.thread)) {
      const box = $('thread-messages');
      const existing = box.querySelector(`[data-ref="${CSS.escape(entry.ref)}"]`);
      if (existing) {
        refreshEntry(box, entry, entry.ref === state.thread);
      } else {
        const node = renderEntry(entry, { inThread: true });
        node.classList.add('fresh');
        box.append(node);
        box.scrollTop = box.scrollHeight;
      }
    }
    if (!known && isPersonal(entry) && formBlockOf(entry)) refreshForms();
    maybeOpenForm(entry, known);
  }

  // A form Hallpass has just sent to this person alone opens by itself, as a modal would.
  function maybeOpenForm(entry, wasKnown) {
    if (wasKnown || $('form-dialog').open) return;
    const form = formBlockOf(entry);
    if (!form || !formIsOpen(entry)) return;
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
        refused(frame);
        break;
      default:
        break;
    }
  }

  // ---------------------------------------------------------------- sending

  const pendingButtons = new Map();  // event_id → button group to re-enable
  const pendingTexts = new Map();    // event_id → {input, text}: given back if refused
  const pendingForms = new Map();    // event_id → {ref, formId, values}: reopened if refused

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
    pendingTexts.delete(eventId);
    pendingForms.delete(eventId);
    const group = pendingButtons.get(eventId);
    if (group) {
      pendingButtons.delete(eventId);
      for (const b of group.querySelectorAll('button')) {
        b.disabled = false;
        b.classList.remove('chosen');
      }
    }
  }

  // Hallpass refused a frame: say why, and give back what the person typed.
  function refused(frame) {
    // The server's reason in the person's language when the catalog knows it.
    const known = frame.key && state.boot && (state.boot.strings.en || {})[`error.${frame.key}`] !== undefined;
    const message = known ? t(`error.${frame.key}`, { detail: frame.detail || '' }) : frame.message || t('something_wrong');
    const text = frame.event_id && pendingTexts.get(frame.event_id);
    const form = frame.event_id && pendingForms.get(frame.event_id);
    if (frame.event_id) settle(frame.event_id);
    if (text && !text.input.value.trim()) {
      text.input.value = text.text;
      toast(t('refused_kept', { message }));
      updateCount(text.input);
      return;
    }
    if (form) {
      state.sentForms.delete(form.ref);
      saveSentForms();
      refreshForms();
      if (!$('form-dialog').open && openForm(form.ref, form.formId, { values: form.values, force: true })) {
        const error = $('form-dialog-error');
        error.textContent = message;
        error.hidden = false;
        return;
      }
    }
    toast(message);
  }

  function textLimit() {
    return (state.boot && state.boot.max_message_chars) || 10000;
  }

  // The count under a box once the text nears the limit; the error once it is over.
  function updateCount(input) {
    const count = charCount(input.value);
    const limit = textLimit();
    const counter = $(input.id === 'thread-input' ? 'thread-count' : 'composer-count');
    const error = $(input.id === 'thread-input' ? 'thread-error' : 'composer-error');
    if (count > limit) {
      error.textContent = t('too_long', { count, limit });
      error.hidden = false;
      counter.hidden = true;
      input.setAttribute('aria-invalid', 'true');
      return false;
    }
    error.hidden = true;
    input.removeAttribute('aria-invalid');
    counter.hidden = count < limit * 0.8;
    counter.textContent = t('characters_left', { count: limit - count });
    return true;
  }

  function sendText(input, threadRef) {
    const trimmed = input.value.trim();
    if (!trimmed) return false;
    if (!updateCount(input)) {
      input.focus();
      return false;
    }
    const frame = { type: 'send', channel: state.current, text: trimmed };
    if (threadRef) frame.thread_ref = threadRef;
    const eventId = submitFrame(frame);
    pendingTexts.set(eventId, { input, text: input.value });
    return true;
  }

  function clickButton(ref, button, node) {
    const eventId = submitFrame({ type: 'action', message_ref: ref, action_id: button.action_id, value: button.value });
    // One click per press: the group waits for the answer, the pressed button marked.
    const group = node.closest('.block-buttons');
    if (group) {
      for (const b of group.querySelectorAll('button')) b.disabled = true;
      node.classList.add('chosen');
      pendingButtons.set(eventId, group);
    }
  }

  function wireComposer(formId, inputId, threadOf) {
    const form = $(formId);
    const input = $(inputId);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (sendText(input, threadOf())) {
        input.value = '';
        updateCount(input);
      }
    });
    input.addEventListener('input', () => updateCount(input));
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  // ---------------------------------------------------------------- forms as dialogs

  function loadSentForms(personId) {
    state.sentForms = new Map();
    try {
      for (const [ref, sent] of JSON.parse(storageGet(FORMS_KEY + personId) || '[]')) state.sentForms.set(ref, sent);
    } catch (e) { /* a damaged entry: start afresh */ }
  }

  function saveSentForms() {
    if (!state.me) return;
    storageSet(FORMS_KEY + state.me, JSON.stringify(Array.from(state.sentForms.entries()).slice(-50)));
  }

  function findForm(ref, formId) {
    const block = formBlockOf(state.messages.get(ref));
    return block && block.form.form_id === formId ? block.form : null;
  }

  // The step before this form: the form of the same flow ("request.…") this person sent just
  // before it in the conversation, when no other form came between.
  function previousStep(ref, formId) {
    const entry = state.messages.get(ref);
    const flow = formId.split('.')[0];
    const at = state.order.indexOf(ref);
    for (let i = at - 1; i >= 0; i -= 1) {
      const other = state.messages.get(state.order[i]);
      if (conversationOf(other) !== conversationOf(entry) || !isPersonal(other)) continue;
      const block = formBlockOf(other);
      if (!block) continue;
      const sameFlow = block.form.form_id.split('.')[0] === flow && block.form.form_id !== formId;
      return sameFlow && state.sentForms.has(other.ref) ? other.ref : '';
    }
    return '';
  }

  function fieldIds(index) {
    return { input: `form-input-${index}`, hint: `form-hint-${index}`, error: `form-error-${index}`, count: `form-count-${index}` };
  }

  function renderInput(input, index, values) {
    const ids = fieldIds(index);
    const described = [input.hint ? ids.hint : '', ids.error].filter(Boolean).join(' ');
    const requiredMark = input.required ? el('span', { className: 'required-mark', 'aria-hidden': 'true', text: ' *' }) : null;
    const hint = input.hint ? el('p', { className: 'hint', id: ids.hint, text: input.hint }) : null;
    const error = el('p', { className: 'field-error', id: ids.error, text: input.error || '' });
    if (!input.error) error.hidden = true;
    const invalid = input.error ? 'true' : null;
    const initialValue = values && values[input.key] !== undefined ? values[input.key] : input.initial || '';

    if (input.kind === 'single_choice' || input.kind === 'multi_choice') {
      const multi = input.kind === 'multi_choice';
      const initial = new Set(String(initialValue).split(',').map((v) => v.trim()).filter(Boolean));
      const fieldset = el('fieldset', {
        className: 'form-field',
        'data-key': input.key,
        'data-kind': input.kind,
        'data-required': input.required ? 'true' : null,
        'aria-describedby': described,
        'aria-invalid': invalid,
        'aria-required': input.required && !multi ? 'true' : null,
        role: multi ? null : 'radiogroup',
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
      appendPresent(fieldset, hint, error);
      return fieldset;
    }

    const control = input.kind === 'multiline'
      ? el('textarea', { id: ids.input, name: input.key })
      : el('input', { type: 'text', id: ids.input, name: input.key });
    control.value = initialValue;
    if (input.required) control.setAttribute('aria-required', 'true');
    if (invalid) control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', `${described} ${ids.count}`);
    const counter = el('p', { className: 'hint field-count', id: ids.count, 'aria-live': 'polite' });
    counter.hidden = true;
    // The form's own limit for this answer (objectives, notes: 1,000), else the chat's.
    const limit = input.max_chars || textLimit();
    const showCount = () => {
      const count = charCount(control.value);
      counter.hidden = count < limit * 0.8;
      counter.textContent = count > limit ? t('too_long', { count, limit }) : t('characters_left', { count: limit - count });
    };
    control.addEventListener('input', showCount);
    const field = el('div', {
      className: 'form-field',
      'data-key': input.key,
      'data-kind': input.kind,
      'data-max-chars': input.max_chars ? String(input.max_chars) : null,
      'data-required': input.required ? 'true' : null,
    }, el('label', { for: ids.input }, input.label, requiredMark), control);
    appendPresent(field, hint, counter, error);
    if (control.value) showCount();  // a form sent back with a long answer says so at once
    return field;
  }

  // Opens the form in the dialog; a closed form only when force (the Back button). Returns
  // whether it opened.
  function openForm(ref, formId, { values = null, force = false } = {}) {
    const form = findForm(ref, formId);
    const entry = state.messages.get(ref);
    if (!form || (!force && !formIsOpen(entry))) return false;
    const dialog = $('form-dialog');
    state.dialogEntryRef = ref;
    dialog.dataset.formId = form.form_id;
    $('form-dialog-title').textContent = form.title || t('form');
    $('form-dialog-submit').textContent = form.submit_label || t('submit');
    $('form-dialog-error').hidden = true;
    const back = previousStep(ref, form.form_id);
    $('form-dialog-back').hidden = !back;
    $('form-dialog-back').dataset.ref = back;
    const inputs = $('form-dialog-inputs');
    inputs.replaceChildren(...(form.inputs || []).map((input, i) => renderInput(input, i, values)));
    if (dialog.open) dialog.close();
    dialog.showModal();
    // Focus the first field Hallpass refused, else the first field.
    const invalid = inputs.querySelector('[aria-invalid="true"]');
    const first = invalid && !invalid.matches('input, textarea')
      ? invalid.querySelector('input, textarea')
      : invalid || inputs.querySelector('input, textarea');
    if (first) first.focus();
    return true;
  }

  // Reads the dialog's values; returns null (and marks the fields) when a required one is empty
  // or the text is over the limit.
  function collectValues() {
    const values = {};
    let firstBad = null;
    let total = 0;
    const limit = textLimit();
    const mark = (field, target, message) => {
      const error = field.querySelector('.field-error');
      error.textContent = message;
      error.hidden = false;
      target.setAttribute('aria-invalid', 'true');
      if (!firstBad) firstBad = field.querySelector('input, textarea');
    };
    for (const field of $('form-dialog-inputs').querySelectorAll('.form-field')) {
      const key = field.dataset.key;
      let value;
      if (field.dataset.kind === 'multi_choice' || field.dataset.kind === 'single_choice') {
        value = Array.from(field.querySelectorAll('input:checked'), (i) => i.value).join(',');
      } else {
        value = field.querySelector('input, textarea').value.trim();
      }
      values[key] = value;
      total += charCount(value);
      const target = field.matches('fieldset') ? field : field.querySelector('input, textarea');
      if (field.dataset.required === 'true' && !value) {
        mark(field, target, field.dataset.kind === 'multi_choice' ? t('choose_one_or_more') : t('required'));
      } else if (charCount(value) > (Number(field.dataset.maxChars) || limit)) {
        mark(field, target, t('too_long', { count: charCount(value), limit: Number(field.dataset.maxChars) || limit }));
      } else if (target.getAttribute('aria-invalid') === 'true') {
        field.querySelector('.field-error').hidden = true;
        target.removeAttribute('aria-invalid');
      }
    }
    const formError = $('form-dialog-error');
    formError.hidden = true;
    if (!firstBad && total > limit) {
      formError.textContent = t('form_too_long', { limit });
      formError.hidden = false;
      firstBad = $('form-dialog-inputs').querySelector('textarea, input');
    }
    if (firstBad) {
      firstBad.focus();
      return null;
    }
    return values;
  }

  function wireDialog() {
    const dialog = $('form-dialog');
    let sent = false;
    $('form-dialog-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const values = collectValues();
      if (!values) return;
      const ref = state.dialogEntryRef;
      const formId = dialog.dataset.formId;
      const eventId = submitFrame({ type: 'form', message_ref: ref, form_id: formId, values });
      pendingForms.set(eventId, { ref, formId, values });
      state.sentForms.set(ref, { form_id: formId, values });
      saveSentForms();
      sent = true;
      dialog.close();
      refreshForms();
    });
    $('form-dialog-cancel').addEventListener('click', () => dialog.close());
    $('form-dialog-back').addEventListener('click', () => {
      const ref = $('form-dialog-back').dataset.ref;
      const previous = ref && state.sentForms.get(ref);
      if (!previous) return;
      openForm(ref, previous.form_id, { values: previous.values, force: true });
    });
    dialog.addEventListener('close', () => {
      // After a Submit the answer comes into the conversation: the message box keeps the focus
      // there instead of the page's top (the form's opener is gone).
      const ref = state.dialogEntryRef;
      const opener = !sent && ref && document.querySelector(`[data-ref="${CSS.escape(ref)}"] [data-form-id]`);
      sent = false;
      if (opener) opener.focus();
      else $('composer-input').focus({ preventScroll: true });
    });
  }

  // ---------------------------------------------------------------- connection

  function setStatus(key, stateName) {
    const node = $('connection-status');
    node.dataset.key = key;
    node.textContent = t(key);
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
    setStatus('status.connecting', 'connecting');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}/ws?person=${encodeURIComponent(personId)}`);
    state.ws = ws;
    let refusedPerson = false;
    ws.addEventListener('open', () => {
      state.reconnectDelay = 500;
      setStatus('status.connected', 'open');
    });
    ws.addEventListener('message', (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (frame.type === 'error' && !frame.event_id && state.me !== personId) refusedPerson = true;
      onFrame(frame);
    });
    ws.addEventListener('close', (event) => {
      if (state.ws !== ws) return;  // replaced by a newer socket
      state.ws = null;
      if (refusedPerson || event.code === 1008) {
        setStatus('status.refused', 'closed');
        return;
      }
      setStatus('status.reconnecting', 'closed');
      state.reconnectTimer = setTimeout(() => connect(state.wantedPerson), state.reconnectDelay);
      state.reconnectDelay = Math.min(state.reconnectDelay * 2, 10000);
    });
  }

  function personLabel(p) {
    return p.title ? `${p.name} — ${p.title}` : p.name;
  }

  function switchPerson(personId) {
    storageSet(PERSON_KEY, personId);
    state.pending.clear();
    state.unread.clear();
    state.unreadThreads.clear();
    state.me = '';
    state.wantedPerson = personId;
    if ($('form-dialog').open) $('form-dialog').close();
    loadSentForms(personId);
    applyLanguage(languageOf(personId));
    const person = personById(personId);
    const banner = $('switch-banner');
    banner.textContent = person ? t('switched', { name: person.name, role: roleLabel(person) }) : '';
    banner.hidden = !person;
    connect(personId);
  }

  async function start() {
    wireComposer('composer', 'composer-input', () => '');
    wireComposer('thread-composer', 'thread-input', () => state.thread);
    wireDialog();
    $('thread-close').addEventListener('click', closeThread);
    $('toast').addEventListener('click', () => { $('toast').hidden = true; });
    $('sidebar-toggle').addEventListener('click', () => {
      setSidebarOpen(!$('app').classList.contains('sidebar-open'));
      if ($('app').classList.contains('sidebar-open')) $('sidebar').querySelector('[aria-current="true"]')?.focus();
    });
    NARROW.addEventListener('change', () => setSidebarOpen(false));
    // On a phone the sidebar lies over the conversation: a tap beside it closes it.
    $('conversation').addEventListener('click', () => {
      if ($('app').classList.contains('sidebar-open')) setSidebarOpen(false);
    });
    $('tour-dismiss').addEventListener('click', () => {
      storageSet(TOUR_KEY, 'done');
      showTour(false);
      $('composer-input').focus();
    });
    $('tour-show').addEventListener('click', () => {
      showTour(true);
      if (NARROW.matches) setSidebarOpen(false);
      $('tour-dismiss').focus();
    });
    document.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || $('form-dialog').open) return;
      if ($('app').classList.contains('sidebar-open')) {
        setSidebarOpen(false);
        $('sidebar-toggle').focus();
      } else if (state.thread) {
        closeThread();
      }
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
      // Without the bootstrap there is no catalog: these two words stay English.
      $('connection-status').textContent = 'Offline';
      toast(`Could not load the web chat (${e.message}). Is Hallpass running?`);
      return;
    }
    state.boot = boot;
    $('district-name').textContent = boot.district || '';

    const select = $('person-select');
    for (const person of boot.people || []) {
      select.append(el('option', { value: person.id, text: personLabel(person) }));
    }
    const saved = storageGet(PERSON_KEY) || '';
    const people = boot.people || [];
    const cast = tourCast();
    const initial = people.find((p) => p.id === saved) || (cast && cast.teacher) ||
      people.find((p) => (p.roles || []).includes('employee') && (p.roles || []).length === 1) || people[0];
    applyLanguage(initial ? languageOf(initial.id) : boot.language || 'en');
    if (!initial) {
      toast(t('no_people'));
      return;
    }
    state.wantedPerson = initial.id;
    loadSentForms(initial.id);
    select.value = initial.id;
    select.addEventListener('change', () => switchPerson(select.value));
    showTour(storageGet(TOUR_KEY) !== 'done');
    renderSidebar();
    showConversation(DM);
    connect(initial.id);
  }

  document.addEventListener('DOMContentLoaded', start);
})();
