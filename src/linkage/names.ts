// Name pools for synthetic casualty lists and for tests: common Arabic given and family names with
// their Arabic script and the Latin transliterations seen on English- and French-language lists.
// Each line is `arabic:variant,variant,...`; the first variant is the common English spelling, the
// later ones include French (ou, ch, dj) and Maghrebi/Levantine forms. Order is by rough frequency,
// so a Zipf-like draw over the index gives realistic collisions of common names.

/** One name with its Arabic script and its Latin transliterations. */
export interface PooledName {
  readonly arabic: string
  readonly latin: readonly string[]
}

function parsePool(text: string): readonly PooledName[] {
  return text
    .trim()
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const [arabic = '', variants = ''] = line.split(':')
      return { arabic, latin: variants.split(',').map((v) => v.trim()) }
    })
}

/** Male given names (also used as fathers' names), most common first. */
export const MALE_GIVEN_NAMES: readonly PooledName[] = parsePool(`
محمد:Mohammed,Muhammad,Mohamed,Mohamad,Mhamed,Mouhamad
أحمد:Ahmed,Ahmad,Ahmet
علي:Ali,Aly
محمود:Mahmoud,Mahmud,Mahmood
مصطفى:Mustafa,Moustafa,Mostafa,Moustapha
خالد:Khaled,Khalid,Khaleed
عمر:Omar,Umar,Omer
حسن:Hassan,Hasan,Hacen
حسين:Hussein,Husayn,Hussain,Houssein
إبراهيم:Ibrahim,Ebrahim,Brahim
يوسف:Youssef,Yusuf,Yousef,Youcef
عبد الله:Abdullah,Abdallah,Abdellah,Abd Allah
عبد الرحمن:Abdulrahman,Abderrahmane,Abd al-Rahman,Abdel Rahman
عبد القادر:Abdelkader,Abdulqader,Abd al-Qadir,Abdelkadir
عبد المجيد:Abdelmajid,Abdulmajeed,Abd al-Majid,Abdelmadjid
عبد العزيز:Abdulaziz,Abdelaziz,Abd al-Aziz
عبد الكريم:Abdulkarim,Abdelkrim,Abd al-Karim
عبد الرزاق:Abdulrazzaq,Abderrazak,Abd al-Razzaq
عبد الحميد:Abdulhamid,Abdelhamid,Abd al-Hamid
عبد السلام:Abdulsalam,Abdessalam,Abd al-Salam
عبد الناصر:Abdulnasser,Abdennaceur,Abd al-Nasir
عبد اللطيف:Abdullatif,Abdellatif,Abd al-Latif
سعيد:Said,Saeed,Saïd
سعد:Saad,Sad,Saâd
أسامة:Osama,Usama,Oussama
ياسر:Yasser,Yasir,Yacer
سامي:Sami,Samy
سمير:Samir,Sameer
كريم:Karim,Kareem,Krim
جمال:Jamal,Gamal,Djamel,Jamel
كمال:Kamal,Kamel
نبيل:Nabil,Nabeel
وليد:Walid,Waleed,Oualid
رشيد:Rashid,Rachid,Rasheed
مجيد:Majid,Majeed,Madjid
ماجد:Majed,Maged
طارق:Tariq,Tarek,Tarik
زياد:Ziad,Ziyad
فراس:Firas,Feras
عماد:Imad,Emad
رامي:Rami,Ramy
فادي:Fadi,Fady
باسل:Basel,Basil
بشير:Bashir,Bachir,Basheer
منير:Munir,Mounir
نادر:Nader,Nadir
هشام:Hisham,Hicham,Hesham
هاني:Hani,Hany
حمزة:Hamza,Hamzah
أنس:Anas,Anass
أيمن:Ayman,Aymen
أمين:Amin,Amine,Ameen
أنور:Anwar,Anouar
بلال:Bilal,Belal
جلال:Jalal,Djalal
جابر:Jaber,Jabir,Djaber
جعفر:Jafar,Jaafar,Djafar
حاتم:Hatem,Hatim
حامد:Hamed,Hamid
حمدي:Hamdi,Hamdy
خليل:Khalil,Khaleel
داود:Dawood,Daoud,Dawud
راشد:Rashed,Rached
رضا:Reda,Rida,Ridha
زكريا:Zakaria,Zakariya,Zakariyya
سليمان:Suleiman,Sulayman,Slimane,Soliman
سليم:Salim,Selim,Saleem
سالم:Salem,Saalem
سامر:Samer,Saamer
شادي:Shadi,Chadi
شريف:Sharif,Cherif,Shareef
صالح:Saleh,Salih,Saalih
صلاح:Salah,Slah
صابر:Saber,Sabir
ضياء:Diaa,Dia,Diya
طه:Taha,Taaha
عادل:Adel,Adil
عاطف:Atef,Atif
عباس:Abbas,Abas
عثمان:Othman,Uthman,Osman,Athmane
عدنان:Adnan,Adnane
عصام:Issam,Essam
عزيز:Aziz,Azeez
علاء:Alaa,Ala
عيسى:Issa,Eisa,Aissa
غسان:Ghassan,Ghasan
فؤاد:Fouad,Fuad,Foad
فاروق:Farouk,Faruq,Farouq
فيصل:Faisal,Faycal,Faysal
قاسم:Qasim,Kassem,Kacem,Qassem
لؤي:Louay,Luay,Loay
مالك:Malik,Malek
مازن:Mazen,Mazin
مراد:Murad,Mourad
مروان:Marwan,Merouane
معاذ:Muadh,Moaz,Mouad
منصور:Mansour,Mansur
موسى:Musa,Moussa,Mousa
ناصر:Nasser,Nasir,Naceur
نزار:Nizar,Nezar
نور الدين:Nureddin,Noureddine,Nur al-Din
صلاح الدين:Salahuddin,Salaheddine,Salah al-Din
هيثم:Haitham,Haytham,Heitham
وائل:Wael,Wail
وسيم:Wassim,Waseem,Ouassim
ياسين:Yassin,Yasin,Yacine
يحيى:Yahya,Yehia,Yahia
يونس:Younes,Yunus,Younis
إسماعيل:Ismail,Smail,Ismael
إلياس:Elias,Ilyas,Ilias
أيوب:Ayoub,Ayyub,Ayub
بكر:Bakr,Baker
أبو بكر:Abu Bakr,Aboubakr,Abou Bakr
توفيق:Tawfiq,Toufik,Tawfik
ثامر:Thamer,Thamir,Thaamer
جواد:Jawad,Djawad,Jaouad
حافظ:Hafez,Hafiz
حبيب:Habib,Habeeb
حكيم:Hakim,Hakeem
خضر:Khidr,Khader,Khodr
رياض:Riad,Riyad,Riyadh
زهير:Zuhair,Zouhair,Zoheir
سفيان:Sufyan,Soufiane,Sofiane
شاكر:Shaker,Chaker
صادق:Sadiq,Sadek,Sadok
طلال:Talal,Talel
عامر:Amer,Ameur
عبيدة:Obaida,Ubayda,Oubaida
عمار:Ammar,Amar
عمرو:Amr,Amro
غازي:Ghazi,Ghazy
فارس:Fares,Faris
فهد:Fahd,Fahad
كاظم:Kadhim,Kazem,Kazim
لطفي:Lutfi,Lotfi
ماهر:Maher,Mahir
مهدي:Mahdi,Mehdi
مؤمن:Moamen,Mumin,Moumen
نعمان:Numan,Naaman,Noomane
هادي:Hadi,Hady
همام:Humam,Houmam
وحيد:Wahid,Ouahid
يزن:Yazan,Yazen
أكرم:Akram,Akrem
إياد:Iyad,Eyad
بدر:Badr,Bader
تامر:Tamer,Tamir
جهاد:Jihad,Djihad
حسام:Hussam,Houssam,Hossam
رائد:Raed,Raid
زاهر:Zaher,Zahir
سلمان:Salman,Selmane
شهاب:Shihab,Chihab
عارف:Aref,Arif
عبد الهادي:Abdulhadi,Abdelhadi,Abd al-Hadi
عبد الوهاب:Abdulwahab,Abdelouahab,Abd al-Wahhab
عبد الباسط:Abdulbasit,Abdelbasset,Abd al-Basit
عبد الغني:Abdulghani,Abdelghani,Abd al-Ghani
عبد الفتاح:Abdulfattah,Abdelfattah,Abd al-Fattah
عبد الجليل:Abduljalil,Abdeljalil,Abd al-Jalil
عبد الحكيم:Abdulhakim,Abdelhakim,Abd al-Hakim
عبد المنعم:Abdulmonem,Abdelmoneim,Abd al-Munim
مصعب:Musab,Mossaab,Mosab
مهند:Muhannad,Mohannad
نضال:Nidal,Nedal
هلال:Hilal,Helal
وسام:Wisam,Wissam
يعقوب:Yaqub,Yacoub,Yakoub
`)

/** Female given names, most common first. */
export const FEMALE_GIVEN_NAMES: readonly PooledName[] = parsePool(`
فاطمة:Fatima,Fatma,Fatimah,Fatéma
عائشة:Aisha,Aicha,Aysha
مريم:Maryam,Meriem,Mariam
زينب:Zainab,Zineb,Zaynab
خديجة:Khadija,Khadidja,Khadeeja
آمنة:Amina,Amna,Aminah
نور:Nour,Nur,Noor
هدى:Huda,Houda,Hoda
سارة:Sara,Sarah
ليلى:Layla,Leila,Laila
سلمى:Salma,Selma
رنا:Rana,Rena
هالة:Hala,Halah
منى:Mona,Muna,Mouna
سعاد:Suad,Souad,Soad
نادية:Nadia,Nadiya
سميرة:Samira,Sameera
رقية:Ruqayya,Rokia,Roqaya
أسماء:Asma,Asmaa
إيمان:Iman,Imane,Eman
جميلة:Jamila,Djamila,Gamila
حليمة:Halima,Haleema
رحمة:Rahma,Rahmah
زهرة:Zahra,Zohra,Zahrah
سهام:Siham,Seham
صفية:Safiya,Safia
عبير:Abeer,Abir
غادة:Ghada,Rhada
لبنى:Lubna,Loubna
ياسمين:Yasmin,Yasmeen,Yasmine
رغد:Raghad,Raghd
هبة:Hiba,Heba
دعاء:Duaa,Doaa,Douaa
وفاء:Wafaa,Wafa,Ouafa
بشرى:Bushra,Bouchra
حنان:Hanan,Hanane
نجلاء:Najlaa,Najla,Nejla
رزان:Razan,Razane
ريم:Reem,Rim
شيماء:Shaimaa,Chaimae,Shayma
`)

/** Family names, most common first. Articles (al-/el-) appear as lists write them. */
export const FAMILY_NAMES: readonly PooledName[] = parsePool(`
الأحمد:al-Ahmad,Al Ahmad,el-Ahmed
العلي:al-Ali,Al Ali,el-Ali
الحسن:al-Hassan,Al Hasan,el-Hassen
الحسين:al-Hussein,Al Husayn,el-Houssein
محمد:Mohammed,Mohamed,Muhammad
الخطيب:al-Khatib,Al Khateeb,el-Khatib
المصري:al-Masri,Al Masry,el-Masri
الشامي:al-Shami,Ash-Shami,ech-Chami
حداد:Haddad,Hadad,Hadded
نجار:Najjar,Nadjar,Al Najjar
الحلبي:al-Halabi,Al Halaby,el-Halabi
الحمصي:al-Homsi,Al Hamsi,el-Homsi
الإدلبي:al-Idlibi,Al Edlibi,el-Idlibi
الدمشقي:al-Dimashqi,Ad-Dimashqi,ed-Dimachki
العمر:al-Omar,Al Umar,el-Omar
الخالد:al-Khaled,Al Khalid,el-Khaled
الإبراهيم:al-Ibrahim,Al Ebrahim,el-Brahim
الصالح:al-Saleh,As-Salih,es-Saleh
السيد:al-Sayed,As-Sayyid,es-Sayed
العبد الله:al-Abdullah,Al Abdallah,el-Abdellah
الموسى:al-Mousa,Al Musa,el-Moussa
اليوسف:al-Youssef,Al Yusuf,el-Youcef
الجاسم:al-Jasim,Al Jassem,el-Djassem
الحمد:al-Hamad,Al Hamd,el-Hamad
الخليل:al-Khalil,Al Khaleel,el-Khalil
العثمان:al-Othman,Al Uthman,el-Othmane
الزعبي:al-Zoubi,Az-Zubi,ez-Zoubi
المحمد:al-Mohammed,Al Muhammad,el-Mohamed
الرفاعي:al-Rifai,Ar-Rifaai,er-Rifai
الشيخ:al-Sheikh,Ash-Shaykh,ech-Cheikh
الحاج:al-Hajj,Al Haj,el-Hadj
القاسم:al-Qasim,Al Kassem,el-Kacem
الخوري:Khoury,al-Khouri,Khuri
الأسعد:al-Asaad,Al Assaad,el-Asaad
البكري:al-Bakri,Al Bakry,el-Bekri
التميمي:al-Tamimi,At-Tamimi,et-Temimi
الجبوري:al-Jabouri,Al Juburi,el-Djabouri
الدليمي:al-Dulaimi,Ad-Dulaymi,ed-Doulaimi
العبيدي:al-Obaidi,Al Ubaydi,el-Oubaidi
الزبيدي:al-Zubaidi,Az-Zubaydi,ez-Zoubaidi
الشمري:al-Shammari,Ash-Shammari,ech-Chammari
العنزي:al-Anazi,Al Anizi,el-Anzi
الحربي:al-Harbi,Al Harby,el-Harbi
القحطاني:al-Qahtani,Al Kahtani,el-Kahtani
الكردي:al-Kurdi,Al Kurdy,el-Kordi
التركماني:al-Turkmani,At-Turkmani,et-Torkmani
الحمادي:al-Hammadi,Al Hamadi,el-Hammadi
المالكي:al-Maliki,Al Malki,el-Maliki
الحسيني:al-Husseini,Al Husayni,el-Housseini
الجعفري:al-Jaafari,Al Jafari,el-Djaafari
البغدادي:al-Baghdadi,Al Bagdadi,el-Baghdadi
الموصلي:al-Mosuli,Al Mawsili,el-Moussouli
الأنصاري:al-Ansari,Al Ansary,el-Ansari
الهاشمي:al-Hashimi,Al Hashemi,el-Hachemi
القرشي:al-Qurashi,Al Qurashy,el-Kourachi
السعدي:al-Saadi,As-Sadi,es-Saadi
الخزاعي:al-Khuzai,Al Khozai,el-Khouzai
الساعدي:al-Saedi,As-Saaidi,es-Saëdi
العطار:al-Attar,Al Atar,el-Attar
الحلاق:al-Hallaq,Al Hallak,el-Hallak
الصباغ:al-Sabbagh,As-Sabagh,es-Sabbagh
الخياط:al-Khayyat,Al Khayat,el-Khayat
القصاب:al-Qassab,Al Kassab,el-Kassab
النابلسي:al-Nabulsi,An-Nabulsi,en-Naboulsi
الحوراني:al-Hourani,Al Hawrani,el-Hourani
الديري:al-Deiri,Ad-Dayri,ed-Deiri
الرقاوي:al-Raqqawi,Ar-Raqawi,er-Rakkaoui
الحموي:al-Hamawi,Al Hamaoui,el-Hamaoui
الدرعاوي:al-Daraawi,Ad-Darawi,ed-Deraoui
الجزائري:al-Jazairi,Al Djazairi,el-Djazairi
المغربي:al-Maghribi,Al Maghrebi,el-Maghrebi
التونسي:al-Tunisi,At-Tounsi,et-Tounsi
الليبي:al-Libi,Al Leebi,el-Libi
العراقي:al-Iraqi,Al Iraki,el-Iraki
السوري:al-Souri,As-Suri,es-Souri
اللبناني:al-Lubnani,Al Lebnani,el-Lebnani
الأردني:al-Urduni,Al Ordoni,el-Ordouni
بن علي:Ben Ali,Bin Ali,Ibn Ali
بن سالم:Ben Salem,Bin Salim,Ibn Salem
بن يوسف:Ben Youssef,Bin Yusuf,Ibn Youcef
بن عمر:Ben Omar,Bin Umar,Ibn Omar
بن أحمد:Ben Ahmed,Bin Ahmad,Ibn Ahmed
بوزيد:Bouzid,Bu Zeid,Bou Zid
بوعزيزي:Bouazizi,Bu Azizi,Bou Azizi
بلحاج:Belhadj,Bel Haj,Bilhajj
بن صالح:Ben Saleh,Bin Salih,Ibn Saleh
الزين:al-Zein,Az-Zayn,ez-Zine
العاني:al-Ani,Al Aani,el-Ani
الراوي:al-Rawi,Ar-Rawi,er-Raoui
الكبيسي:al-Kubaisi,Al Kbeisi,el-Koubaissi
الجنابي:al-Janabi,Al Jenabi,el-Djanabi
الكعبي:al-Kaabi,Al Kabi,el-Kaabi
البصري:al-Basri,Al Basry,el-Basri
الحكيم:al-Hakim,Al Hakeem,el-Hakim
الصدر:al-Sadr,As-Sadr,es-Sadr
الطائي:al-Taie,At-Tai,et-Tai
الشهابي:al-Shihabi,Ash-Shehabi,ech-Chehabi
العظمة:al-Azma,Al Azmeh,el-Azma
القباني:al-Qabbani,Al Kabbani,el-Kabbani
الأتاسي:al-Atassi,Al Atasi,el-Atassi
الكيلاني:al-Kilani,Al Keilani,el-Kilani
الجابري:al-Jabiri,Al Jaberi,el-Djabri
الطويل:al-Tawil,At-Taweel,et-Touil
القاضي:al-Qadi,Al Kadi,el-Kadi
المفتي:al-Mufti,Al Moufti,el-Mufti
الإمام:al-Imam,Al Emam,el-Imam
الفارس:al-Fares,Al Faris,el-Fares
النعيمي:al-Nuaimi,An-Naimi,en-Nouaimi
المطيري:al-Mutairi,Al Mteiri,el-Moutairi
الدوسري:al-Dosari,Ad-Dawsari,ed-Dossari
العتيبي:al-Otaibi,Al Utaybi,el-Otaibi
الغامدي:al-Ghamdi,Al Ghamedi,el-Ghamdi
الزهراني:al-Zahrani,Az-Zahrani,ez-Zahrani
الشهري:al-Shehri,Ash-Shahri,ech-Chehri
البيطار:al-Bitar,Al Baytar,el-Bitar
السمان:al-Samman,As-Saman,es-Samman
الحريري:al-Hariri,Al Harriri,el-Hariri
الطحان:al-Tahhan,At-Tahan,et-Tahhan
الدباغ:al-Dabbagh,Ad-Dabagh,ed-Dabbagh
الفخراني:al-Fakhrani,Al Fakharani,el-Fakhrani
السقا:al-Saqqa,As-Saka,es-Sakka
الحايك:al-Hayek,Al Hayik,el-Hayek
عيسى:Issa,Eisa,Aissa
موسى:Moussa,Musa,Mousa
داود:Daoud,Dawood,Dawud
يعقوب:Yacoub,Yaqub,Yakoub
سليمان:Suleiman,Slimane,Soliman
منصور:Mansour,Mansur,Mansor
عباس:Abbas,Abas,Abbes
شاهين:Shahin,Chahine,Shaheen
درويش:Darwish,Derouiche,Darweesh
سلامة:Salama,Slama,Salameh
عودة:Odeh,Auda,Ouda
نصر:Nasr,Nassr,Naser
قاسم:Qasem,Kacem,Kassem
حمدان:Hamdan,Hamdane,Hemdan
زيدان:Zidane,Zaidan,Zeidan
عثمان:Othmane,Osman,Uthman
رمضان:Ramadan,Ramdane,Ramazan
شعبان:Shaaban,Chaabane,Shaban
بركات:Barakat,Berkat,Barakaat
سرحان:Sarhan,Serhane,Sirhan
عمران:Imran,Omrane,Amran
غانم:Ghanem,Ghanim,Rhanem
فرحات:Farhat,Ferhat,Farhaat
مرعي:Marai,Merai,Marei
نوفل:Nofal,Nawfal,Naufal
يونس:Younes,Yunus,Younis
جرار:Jarrar,Djarrar,Jarar
طوقان:Tuqan,Toukan,Touqan
عبد الهادي:Abdulhadi,Abdelhadi,Abd al-Hadi
عبد الرحيم:Abdulrahim,Abderrahim,Abd al-Rahim
عبد الكريم:Abdulkarim,Abdelkrim,Abd al-Karim
أبو شقرة:Abu Shakra,Abou Chakra,Abushaqra
أبو زيد:Abu Zeid,Abou Zaid,Abuzaid
أبو عمر:Abu Omar,Abou Omar,Abuomar
أبو حمد:Abu Hamad,Abou Hamad,Abuhamad
أبو علي:Abu Ali,Abou Ali,Abuali
الشريف:al-Sharif,Ash-Sharif,ech-Cherif
النقيب:al-Naqib,An-Nakib,en-Nakib
المحمود:al-Mahmoud,Al Mahmud,el-Mahmoud
المصطفى:al-Mustafa,Al Moustafa,el-Mostafa
الكريم:al-Karim,Al Kareem,el-Krim
السلمان:al-Salman,As-Salman,es-Selmane
الفرج:al-Faraj,Al Farag,el-Faradj
الدرويش:al-Darwish,Ad-Darwish,ed-Derouiche
الحسون:al-Hassoun,Al Hasun,el-Hassoun
الشعار:al-Shaar,Ash-Shaar,ech-Chaar
الملا:al-Mulla,Al Mullah,el-Molla
النمر:al-Nimr,An-Namir,en-Nemr
الذيب:al-Dhib,Ad-Deeb,ed-Dib
الأسود:al-Aswad,Al Asouad,el-Aswad
الأبيض:al-Abyad,Al Abiad,el-Abiad
`)
