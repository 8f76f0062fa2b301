"""What the retrieval responder says, in each supported language. Values from KB rows are inserted verbatim."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "greeting": "Hello! Welcome to {company}. Ask me about our {offer}: prices, details, availability.",
        "found_intro": "Here is what I found:",
        "not_found": (
            "I'm sorry, I don't have information about that. A member of our team will follow up with you here."
        ),
        "buy": (
            "Great choice! To order {name} ({price}), a member of our team will send you a secure payment link here."
        ),
        "buy_unknown": "I'd be glad to help you order. Which item would you like? You can ask me about our {offer}.",
        "book": (
            "I'd be happy to book {name} for you. A member of our team will confirm a time here; "
            "tell us which day and time suit you."
        ),
        "book_unknown": "I'd be happy to book an appointment. Which service would you like, and when suits you?",
        "human": "Of course. I've asked a member of our team to take over; they will reply here soon.",
        "privacy": "Our privacy policy: {url}",
        "price_on_request": "price on request",
        "minutes": "{n} min",
        "products": "products",
        "services": "services",
    },
    "ru": {
        "greeting": "Здравствуйте! Добро пожаловать в {company}. Спросите меня о наших {offer}: цены, детали, наличие.",
        "found_intro": "Вот что я нашёл:",
        "not_found": ("К сожалению, у меня нет информации об этом. Сотрудник нашей команды свяжется с вами здесь."),
        "buy": (
            "Отличный выбор! Чтобы заказать {name} ({price}), сотрудник пришлёт вам здесь безопасную ссылку на оплату."
        ),
        "buy_unknown": "С радостью помогу оформить заказ. Какой товар вы хотите? Спросите меня о наших {offer}.",
        "book": (
            "С радостью запишу вас на {name}. Сотрудник подтвердит время здесь; "
            "напишите, какой день и время вам удобны."
        ),
        "book_unknown": "С радостью запишу вас. Какая услуга вас интересует и когда вам удобно?",
        "human": "Конечно. Я попросил сотрудника подключиться; вам ответят здесь в ближайшее время.",
        "privacy": "Наша политика конфиденциальности: {url}",
        "price_on_request": "цена по запросу",
        "minutes": "{n} мин",
        "products": "товарах",
        "services": "услугах",
    },
}


def t(language: str, key: str, **values: object) -> str:
    table = TEXTS.get(language, TEXTS["en"])
    return table[key].format(**values)
